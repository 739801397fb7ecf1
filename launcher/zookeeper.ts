/**
 * A real ZooKeeper (Debian's `zookeeper` package) on a free port with a temp data
 * dir, for tests and the local launcher. stop() kills it and removes the data dir;
 * restart() keeps the data (znodes survive, sessions expire as in production).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnGroup, startNode, type ManagedProcess } from './process';
import { freePort, waitForPort } from './ports';
import type { ChildProcess } from 'node:child_process';

export const ZK_JAR = '/usr/share/java/zookeeper.jar';
export const ZK_CONF_DIR = '/etc/zookeeper/conf';

export interface ZooKeeperOptions {
  port?: number;
  /** Data directory; default a fresh temp dir removed on stop. */
  dataDir?: string;
  /** Smallest and largest session timeouts the server grants (ms). */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  tickTimeMs?: number;
}

export interface ZooKeeperServer {
  readonly port: number;
  /** Connect string, 127.0.0.1:<port>. */
  readonly connectString: string;
  readonly dataDir: string;
  readonly pid: () => number | undefined;
  /** Stop (SIGKILL) without removing data; start() brings it back on the same port. */
  pause(): Promise<void>;
  start(): Promise<void>;
  /** Stop and remove the data dir. */
  stop(): Promise<void>;
}

/** zookeeperAvailable tells whether the Debian package is installed. */
export function zookeeperAvailable(): boolean {
  return fs.existsSync(ZK_JAR) && fs.existsSync(ZK_CONF_DIR);
}

/** startZooKeeper launches a standalone server and waits until it answers "ruok". */
export async function startZooKeeper(opts: ZooKeeperOptions = {}): Promise<ZooKeeperServer> {
  if (!zookeeperAvailable()) {
    throw new Error(`ZooKeeper is not installed (${ZK_JAR} missing): run \`apt-get install -y zookeeper\` or \`npm run setup\``);
  }
  const port = opts.port ?? (await freePort());
  const ownDataDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mediamesh-zk-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const tick = opts.tickTimeMs ?? 500;
  const cfg = path.join(dataDir, 'zoo.cfg');
  fs.writeFileSync(
    cfg,
    [
      `tickTime=${tick}`,
      `dataDir=${dataDir}/data`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      '4lw.commands.whitelist=ruok,stat,mntr,cons',
      `minSessionTimeout=${opts.minSessionTimeoutMs ?? tick * 2}`,
      `maxSessionTimeout=${opts.maxSessionTimeoutMs ?? 60_000}`,
      'maxClientCnxns=0',
      'snapCount=100000',
      'preAllocSize=4096',
    ].join('\n') + '\n',
  );
  let proc: ChildProcess | undefined;
  const launch = async () => {
    proc = spawnGroup(
      'java',
      ['-Xmx256m', `-Dzookeeper.log.dir=${dataDir}`, '-Dzookeeper.root.logger=WARN,CONSOLE', '-cp', `${ZK_CONF_DIR}:${ZK_JAR}:/usr/share/java/*`, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', cfg],
      { name: `zookeeper :${port}`, stdio: ['ignore', 'ignore', 'pipe'], graceMs: 5000 },
    );
    let err = '';
    proc.stderr!.on('data', (d) => (err = (err + d.toString()).slice(-4000)));
    await waitForPort(port, '127.0.0.1', 30_000).catch((e) => {
      throw new Error(`${(e as Error).message}; ZooKeeper stderr: ${err}`);
    });
    await waitRuok(port);
  };
  const killProc = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    try {
      process.kill(-p.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
    await gone;
  };
  await launch();
  return {
    port,
    connectString: `127.0.0.1:${port}`,
    dataDir,
    pid: () => proc?.pid,
    pause: killProc,
    start: launch,
    stop: async () => {
      await killProc();
      if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}


async function waitRuok(port: number, timeoutMs = 20_000): Promise<void> {
  const net = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await new Promise<string>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => s.write('ruok'));
      let data = '';
      s.on('data', (d) => (data += d.toString()));
      s.on('close', () => resolve(data));
      s.on('error', () => resolve(''));
      // A starting server may accept and then say nothing: give up on this try instead of hanging.
      s.setTimeout(2000, () => s.destroy());
    });
    if (answer === 'imok') return;
    if (Date.now() > deadline) throw new Error(`ZooKeeper on ${port} did not answer ruok`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type { ManagedProcess };
export { startNode };
