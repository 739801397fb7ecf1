/**
 * Child processes for tests and the local launcher: every child (a mediamesh Node process,
 * ZooKeeper, Jaeger, an Envoy sidecar) is spawned by spawnGroup as the leader of its own process
 * group, so a terminal's Ctrl-C reaches only the launcher, which stops them in order. None may
 * outlive this process, however it ends:
 * - it exits (normally, or after an uncaught exception): an exit hook SIGKILLs every group;
 * - it is killed (SIGKILL, OOM): every mediamesh Node process holds a pipe from it and stops itself
 *   gracefully when the pipe closes (core/launcher-watch.ts), and the watchdog (./watchdog.ts),
 *   which holds a pipe from it too, stops whatever is left: ZooKeeper, Jaeger, sidecars, and any
 *   Node process that did not stop within its grace.
 * Every child also carries MEDIAMESH_LAUNCHER_PID, so a later launcher can tell an orphan of a dead
 * one (./leftovers.ts).
 */
import { spawn, type ChildProcess, type StdioPipe, type StdioNull } from 'node:child_process';
import type * as net from 'node:net';
import * as path from 'node:path';
import { LAUNCHER_FD_ENV } from '../core/launcher-watch';
import { distEntry, repoRoot } from '../core/paths';
import { guardChild } from './watchdog-client';

/** LAUNCHER_PID_ENV marks every process a launcher started with the launcher's pid. */
export const LAUNCHER_PID_ENV = 'MEDIAMESH_LAUNCHER_PID';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * killGroupOnExit SIGKILLs the child's process group when this process exits, so a test
 * that fails (or a launcher that crashes) leaves nothing behind. Children must be spawned
 * with `detached: true` (group leaders).
 */
function killGroupOnExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of live) signalGroup(c, 'SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** signalGroup sends a signal to the child's whole process group (grandchildren such as ffmpeg too). */
export function signalGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, sig);
  } catch {
    /* already gone */
  }
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** stopGroup: SIGTERM the child's group (0 = SIGKILL at once), SIGKILL it after graceMs and, once the leader is gone, its stragglers. */
export async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup(child, 'SIGKILL');
}

/** stopAllGroups stops every child still running, all at once (as stopGroup does each). */
export async function stopAllGroups(graceMs: number): Promise<void> {
  await Promise.all([...live].map((c) => stopGroup(c, graceMs)));
}

export interface SpawnGroupOptions {
  /** Name in the watchdog's report, e.g. zookeeper or image-1. */
  readonly name: string;
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** stdin, stdout, stderr (default: ignore, pipe, pipe). */
  readonly stdio?: readonly [StdioNull | StdioPipe, StdioNull | StdioPipe, StdioNull | StdioPipe];
  /** The child watches the launcher's pipe itself (core/launcher-watch.ts): every mediamesh Node process. */
  readonly watchesLauncher?: boolean;
  /** How long the watchdog lets it stop before SIGKILL (default 10 s). */
  readonly graceMs?: number;
}

/**
 * spawnGroup starts a child as a process-group leader that cannot outlive this process (see the
 * header). Every child the launcher starts goes through here: a new kind (an Envoy sidecar) is
 * covered by the same mechanism by spawning it with this function.
 */
export function spawnGroup(command: string, args: readonly string[], opts: SpawnGroupOptions): ChildProcess {
  const [stdin, stdout, stderr] = opts.stdio ?? ['ignore', 'pipe', 'pipe'];
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: {
      ...process.env,
      ...opts.env,
      [LAUNCHER_PID_ENV]: String(process.pid),
      ...(opts.watchesLauncher ? { [LAUNCHER_FD_ENV]: '3' } : {}),
    },
    // fd 3: the launcher's pipe. Only this process holds the other end, so it closes when this process dies.
    stdio: opts.watchesLauncher ? [stdin, stdout, stderr, 'pipe'] : [stdin, stdout, stderr],
    detached: true,
  });
  if (opts.watchesLauncher) (child.stdio[3] as net.Socket | null)?.on('error', () => undefined);
  killGroupOnExit(child);
  guardChild(child, { name: opts.name, graceMs: opts.graceMs ?? 10_000, watchesLauncher: opts.watchesLauncher ?? false });
  return child;
}

/** STOP_GRACE_MS: how long a mediamesh process may take to stop (drain 10 s by default, plus deregistration). */
const STOP_GRACE_MS = 15_000;

/** ManagedProcess is a started child with its collected output. */
export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Parsed JSON log lines so far. */
  readonly logs: Record<string, unknown>[];
  /** Everything the child wrote to stderr. */
  stderr(): string;
  /** Resolves with the first log line matching pred (rejects on exit or timeout). */
  waitForLog(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal name) once the child exits. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after graceMs; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string>;
  /** SIGKILL at once (kill -9). */
  kill(): Promise<number | string>;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  args?: string[];
  /** Echo the child's output to this process's stderr (debugging). */
  echo?: boolean;
}

/** startNode runs `node <file>` (an absolute path) as a process-group leader that watches this process. */
export function startNode(file: string, opts: StartOptions = {}): ManagedProcess {
  const name = opts.env?.MEDIAMESH_INSTANCE_ID ?? path.relative(path.join(repoRoot(), 'dist'), file);
  const child = spawnGroup(process.execPath, [file, ...(opts.args ?? [])], { name, cwd: repoRoot(), env: opts.env, watchesLauncher: true, graceMs: STOP_GRACE_MS });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  const waiters = new Set<(line: Record<string, unknown>) => void>();
  let buf = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    if (opts.echo) process.stderr.write(chunk);
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        logs.push(line);
        for (const w of waiters) w(line);
      } catch {
        /* not a log line */
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    if (opts.echo) process.stderr.write(chunk);
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const waitForLog = (pred: (line: Record<string, unknown>) => boolean, timeoutMs = 30_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = logs.find(pred);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => {
        waiters.delete(onLine);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a log line of ${file}; stderr: ${stderr.slice(-2000)}`));
      }, timeoutMs);
      const onLine = (line: Record<string, unknown>) => {
        if (!pred(line)) return;
        clearTimeout(timer);
        waiters.delete(onLine);
        resolve(line);
      };
      waiters.add(onLine);
      void exited.then((code) => {
        if (!waiters.has(onLine)) return;
        clearTimeout(timer);
        waiters.delete(onLine);
        reject(new Error(`${file} exited (${code}) before the expected log line; stderr: ${stderr.slice(-2000)}`));
      });
    });
  const stop = async (graceMs = STOP_GRACE_MS) => {
    await stopGroup(child, graceMs);
    return exited;
  };
  const kill = async () => {
    if (!hasExited(child)) signalGroup(child, 'SIGKILL');
    return exited;
  };
  return { child, pid: child.pid!, logs, stderr: () => stderr, waitForLog, exited, stop, kill };
}

/** StartedService is a service child that reported "serving". */
export interface StartedService extends ManagedProcess {
  readonly port: number;
  readonly address: string;
}

/**
 * startService runs a compiled service entry (source path such as
 * "services/image/main.ts"; run `npm run build` first) on a free port and waits
 * until it logs {"event":"serving"}.
 */
export async function startService(sourceEntry: string, opts: StartOptions & { timeoutMs?: number } = {}): Promise<StartedService> {
  const proc = startNode(distEntry(sourceEntry), { ...opts, env: { MEDIAMESH_PORT: '0', ...opts.env } });
  try {
    const line = await proc.waitForLog((l) => l.event === 'serving', opts.timeoutMs ?? 30_000);
    return Object.assign(proc, { port: Number(line.port), address: `127.0.0.1:${Number(line.port)}` });
  } catch (err) {
    await proc.kill();
    throw err;
  }
}
