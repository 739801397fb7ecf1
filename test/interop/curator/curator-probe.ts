/**
 * The Curator interop probe (a small Maven project beside this file): built once into
 * ~/.cache/mediamesh/curator-interop/<hash of its sources>, so a second run only starts
 * java. Missing java or mvn is an error that says what to install, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../../core/paths';

const SOURCE_DIR = () => path.join(repoRoot(), 'test/interop/curator');
const SOURCES = ['pom.xml', 'src/main/java/io/mediamesh/interop/CuratorProbe.java'];

/** requireTool fails with an install hint when a command is missing. */
function requireTool(cmd: string, hint: string): void {
  const r = spawnSync(cmd, ['-version'], { encoding: 'utf8' });
  if (r.error) throw new Error(`Curator interop needs \`${cmd}\` (${hint}); install it, e.g. \`apt-get install -y openjdk-17-jdk-headless maven\``);
}

/** buildCuratorProbe builds (or reuses) the probe and returns its java classpath. */
export function buildCuratorProbe(): string {
  requireTool('java', 'Java 17');
  requireTool('mvn', 'Apache Maven');
  const hash = createHash('sha256');
  for (const f of SOURCES) hash.update(f).update(fs.readFileSync(path.join(SOURCE_DIR(), f)));
  const cache = path.join(os.homedir(), '.cache/mediamesh/curator-interop', hash.digest('hex').slice(0, 16));
  const jar = path.join(cache, 'target/curator-interop-1.0.0.jar');
  if (!fs.existsSync(jar)) {
    const work = `${cache}.build-${process.pid}`;
    fs.rmSync(work, { recursive: true, force: true });
    for (const f of SOURCES) {
      fs.mkdirSync(path.dirname(path.join(work, f)), { recursive: true });
      fs.copyFileSync(path.join(SOURCE_DIR(), f), path.join(work, f));
    }
    const r = spawnSync('mvn', ['-q', '-B', 'package', '-DskipTests'], { cwd: work, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`building the Curator probe failed (mvn exit ${r.status}): ${(r.stdout + r.stderr).slice(-3000)}`);
    fs.rmSync(cache, { recursive: true, force: true });
    fs.renameSync(work, cache);
  }
  return [jar, path.join(cache, 'target/lib/*')].join(path.delimiter);
}

/** discoverWithCurator runs `discover` and returns what Curator read. */
export function discoverWithCurator(classpath: string, zk: string, basePath: string, name: string): { instances: Record<string, unknown>[] } {
  const r = spawnSync('java', ['-cp', classpath, 'io.mediamesh.interop.CuratorProbe', 'discover', zk, basePath, name], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`Curator discover failed (exit ${r.status}): ${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** registerWithCurator starts a Java process holding a Curator registration; stop() closes its stdin (it unregisters and exits). */
export async function registerWithCurator(
  classpath: string,
  args: { zk: string; basePath: string; name: string; id: string; address: string; port: number },
): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn('java', ['-cp', classpath, 'io.mediamesh.interop.CuratorProbe', 'register', args.zk, args.basePath, args.name, args.id, args.address, String(args.port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-3000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Curator register did not report within 60 s: ${err}`)), 60_000);
    child.stdout!.on('data', (d) => String(d).includes('"registered":true') && (clearTimeout(timer), resolve()));
    void exited.then(() => (clearTimeout(timer), reject(new Error(`Curator register exited early: ${err}`))));
  });
  return {
    child,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
