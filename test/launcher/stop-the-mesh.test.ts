/**
 * `npm start` stops all of the mesh, however its launcher ends (issue 23, item 1), tried as a person
 * at a terminal does: the command runs on a pseudo-terminal, Ctrl-C is typed on it (SIGINT to the
 * whole foreground process group: npm and the launcher, plus npm's forwarded copy), and afterwards
 * no process of that MEDIAMESH_HOME may remain (/proc environ and command lines, scanned by the
 * test's own harness). Each test has its own home and free ports.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { distEntry, repoRoot } from '../../core/paths';
import { freePort } from '../../launcher/ports';
import { processesOfHome, waitUntilNoneLeft } from '../harness/home-processes';
import { tempDirForTest } from '../harness/temp-dir';
import { openTerminal, type Terminal } from '../harness/terminal';

/** GONE_WITHIN_MS: the bound for every process of the home to be gone. */
const GONE_WITHIN_MS = 20_000;
/** UP_WITHIN_MS: ZooKeeper, Jaeger and seven Node processes on a shared 2-core machine. */
const UP_WITHIN_MS = 150_000;

const terminals: Terminal[] = [];
const homes: string[] = [];
afterEach(async () => {
  for (const t of terminals.splice(0)) t.close();
  // Whatever a failed test left: stop it by its home, so the next test (and other suites) start clean.
  for (const home of homes.splice(0)) {
    for (const p of processesOfHome(home)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
});

/** meshEnv: a home of its own and free ports for the fixed ones `mediamesh up` reads. */
async function meshEnv(): Promise<{ home: string; env: Record<string, string | undefined> }> {
  const home = tempDirForTest('mediamesh-stop-');
  homes.push(home);
  const env = {
    ...process.env,
    MEDIAMESH_HOME: home,
    MEDIAMESH_GATEWAY_PORT: String(await freePort()),
    MEDIAMESH_XDS_PORT: String(await freePort()),
    MEDIAMESH_CP_STATUS_PORT: String(await freePort()),
    MEDIAMESH_ZK_PORT: String(await freePort()),
  };
  return { home, env };
}

/**
 * The README's `npm start`, through npm, so npm's own signal forwarding is part of the test.
 * `--ignore-scripts` skips only `prestart` (setup + a full rebuild: the suites already run from a
 * fresh dist/); npm still runs `start` the same way, as the parent of the launcher.
 */
const NPM_START = 'npm start --ignore-scripts';
const MEDIAMESH_UP = `node ${distEntry('mesh/cli/main.ts')} up`;

function open(command: string, env: Record<string, string | undefined>): Terminal {
  const t = openTerminal(command, { cwd: repoRoot(), env });
  terminals.push(t);
  return t;
}

const launcherPid = (home: string) => Number(fs.readFileSync(path.join(home, 'launcher.pid'), 'utf8'));
const watchdogOf = (home: string) => processesOfHome(home).filter((p) => p.command.includes('launcher/watchdog.js'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stopping the mesh', () => {
  it('one Ctrl-C on `npm start` stops every process of the mesh', async () => {
    const { home, env } = await meshEnv();
    const term = open(NPM_START, env);
    await term.waitFor(/mediamesh is up/, UP_WITHIN_MS);
    const running = processesOfHome(home);
    // npm, the launcher, the watchdog, ZooKeeper, Jaeger, control plane, storage, image x2, video, gateway (and script).
    expect(running.length, running.map((p) => p.command).join('\n')).toBeGreaterThanOrEqual(11);

    term.ctrlC();
    await waitUntilNoneLeft(home, GONE_WITHIN_MS);
    expect(await term.ended).toBe(0);
    expect(term.output()).toMatch(/stopping the mesh…/);
    // npm's forwarded SIGINT belongs to the same key press: no "still stopping".
    expect(term.output()).not.toMatch(/still stopping/);
    expect(fs.existsSync(path.join(home, 'launcher.pid'))).toBe(false);
  });

  it('a launcher killed with SIGKILL takes every process of the mesh with it; its services stop themselves', async () => {
    const { home, env } = await meshEnv();
    // No terminal is needed to SIGKILL a process; the launcher leads a new session whose output the test
    // reads to its end, the watchdog's report included (the watchdog writes where the launcher did).
    const launcher = spawn(process.execPath, [distEntry('mesh/cli/main.ts'), 'up'], { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    launcher.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    launcher.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const outputEnds = new Promise((r) => launcher.stderr!.once('end', r));
    const deadline = Date.now() + UP_WITHIN_MS;
    while (!/mediamesh is up/.test(out)) {
      if (Date.now() > deadline || launcher.exitCode !== null) throw new Error(`the mesh did not come up:\n${out}`);
      await sleep(200);
    }

    process.kill(launcher.pid!, 'SIGKILL');
    await waitUntilNoneLeft(home, GONE_WITHIN_MS);
    await outputEnds;
    // Every Node process saw the launcher's pipe close and stopped through its SIGTERM path by itself;
    // ZooKeeper and Jaeger, which know nothing of the pipe, were stopped by the watchdog, after them.
    expect(out).toMatch(/mediamesh watchdog: launcher \d+ is gone/);
    for (const name of ['control-plane-1', 'storage-1', 'image-1', 'image-2', 'video-1', 'gateway-1']) expect(out).toMatch(new RegExp(`${name} \\(pid \\d+\\) exited after [\\d.]+ s \\(stopped itself\\)`));
    expect(out).toMatch(/jaeger \S+ \(pid \d+\) exited after [\d.]+ s \(SIGTERM\)/);
    expect(out).toMatch(/zookeeper :\d+ \(pid \d+\) exited after [\d.]+ s \(SIGTERM\)/);
    expect(out).toMatch(/mediamesh watchdog: done/);
  });

  it('with launcher and watchdog both killed, the services still stop; the next start cleans up what is left, and Ctrl-C presses two and three never abandon the mesh', async () => {
    const { home, env } = await meshEnv();
    const first = open(MEDIAMESH_UP, env);
    await first.waitFor(/mediamesh is up/, UP_WITHIN_MS);
    const [watchdog] = watchdogOf(home);
    expect(watchdog).toBeDefined();
    const deadLauncher = launcherPid(home);
    process.kill(watchdog.pid, 'SIGKILL');
    process.kill(deadLauncher, 'SIGKILL');

    // The Node processes stop through their own pipe; only the programs that cannot watch one remain:
    // ZooKeeper, Jaeger and the five Envoy sidecars (`npm start` runs one per process).
    const deadline = Date.now() + GONE_WITHIN_MS;
    let left = processesOfHome(home);
    while (left.some((p) => p.command.includes('/dist/')) && Date.now() < deadline) {
      await sleep(200);
      left = processesOfHome(home);
    }
    expect(left.map((p) => (p.command.startsWith('java') ? 'zookeeper' : path.basename(p.command.split(' ')[0]))).sort()).toEqual(['envoy', 'envoy', 'envoy', 'envoy', 'envoy', 'jaeger', 'zookeeper']);

    // The next start names the stale launcher.pid, stops the orphans (marked by the dead launcher) and starts.
    // Its services wait 5 s after deregistering before they drain, so that stopping outlasts three presses.
    const second = open(MEDIAMESH_UP, { ...env, MEDIAMESH_DEREGISTER_DELAY_MS: '5000' });
    await second.waitFor(/mediamesh is up/, UP_WITHIN_MS);
    expect(second.output()).toContain(`removing a stale ${path.join(home, 'launcher.pid')}: launcher pid ${deadLauncher} is not running`);
    expect(second.output()).toMatch(new RegExp(`stopping ${left.length} process\\(es\\) left by an earlier run whose launcher is gone`));
    for (const p of left) expect(processesOfHome(home).map((q) => q.pid)).not.toContain(p.pid);

    // Ctrl-C three times, a second apart: stop, "still stopping", then kill everything at once.
    second.ctrlC();
    await second.waitFor(/stopping the mesh…/, 5000);
    await sleep(1000);
    second.ctrlC();
    await second.waitFor(/still stopping…/, 5000);
    await sleep(1000);
    second.ctrlC();
    await second.waitFor(/force-killing every process of the mesh…/, 5000);
    await waitUntilNoneLeft(home, GONE_WITHIN_MS);
    expect(await second.ended).toBe(130);
  });
});

describe('before starting', () => {
  it('names processes of the same home that no launcher started, with the exact command that stops them, and starts nothing', async () => {
    const { home, env } = await meshEnv();
    // A storage service started by hand with this home (as an older launcher's orphans were): not provably ours.
    const byHand = spawn(process.execPath, [distEntry('services/storage/main.ts')], {
      env: { ...process.env, MEDIAMESH_HOME: home, MEDIAMESH_STORAGE_DIR: path.join(home, 'storage'), MEDIAMESH_PORT: '0', OTEL_SDK_DISABLED: 'true' },
      stdio: 'ignore',
      detached: true,
    });
    homes.push(home);
    await sleep(500);
    const term = open(MEDIAMESH_UP, env);
    expect(await term.ended).toBe(1);
    const out = term.output();
    expect(out).toMatch(new RegExp(`1 process\\(es\\) with MEDIAMESH_HOME=${home} are still running`));
    expect(out).toMatch(new RegExp(`^\\s*${byHand.pid}\\s+.*dist/services/storage/main\\.js`, 'm'));
    const command = /Stop them with: {2}(.+)$/m.exec(out)?.[1].trim();
    expect(command).toBe(`kill ${byHand.pid}`);
    expect(processesOfHome(home).map((p) => p.pid)).toEqual([byHand.pid]);

    // The command named does stop it.
    const exited = new Promise((r) => byHand.once('exit', r));
    spawn('sh', ['-c', command!], { stdio: 'ignore' });
    await exited;
    await waitUntilNoneLeft(home, 5000);
  });

  it('refuses a busy fixed port, naming its variable', async () => {
    const { env } = await meshEnv();
    const squatter = net.createServer().listen(Number(env.MEDIAMESH_ZK_PORT), '127.0.0.1');
    await new Promise((r) => squatter.once('listening', r));
    try {
      const term = open(MEDIAMESH_UP, env);
      expect(await term.ended).toBe(1);
      expect(term.output()).toMatch(new RegExp(`port ${env.MEDIAMESH_ZK_PORT} \\(MEDIAMESH_ZK_PORT\\) is in use by another process`));
      expect(term.output()).not.toMatch(/starting ZooKeeper/);
    } finally {
      squatter.close();
    }
  });
});
