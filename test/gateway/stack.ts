/**
 * Test stack for the gateway suites: a real storage service and a real gateway from
 * dist/ (direct mesh mode, before the control plane is involved), optionally the image
 * service, a real ZooKeeper that every process joins (registration, storage's change
 * signals) and more gateways beside the first, plus a raw HTTP client that sends paths
 * exactly as written (fetch would normalise "../").
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { startService, type StartedService } from '../../launcher/process';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';

export const ADMIN = 'test-admin-token';
export const KEYS = 'ak1:first-secret-key,ak2:second-secret-key';

export interface Stack {
  readonly home: string;
  readonly storage: StartedService;
  readonly gateway: StartedService;
  readonly extra: StartedService[];
  readonly base: string;
  /** The ZooKeeper every process joined (with `zookeeper: true`). */
  readonly zk?: ZooKeeperServer;
  /** startGateway starts one more gateway on the same services (stopped with the stack); `env` adds to the first one's. */
  startGateway(env?: Record<string, string>): Promise<StartedService & { base: string }>;
  stop(): Promise<void>;
}

export interface StackOptions {
  gatewayEnv?: Record<string, string>;
  storageEnv?: Record<string, string>;
  /** Start the image service too (processed variants). */
  image?: boolean;
  imageEnv?: Record<string, string>;
  /** Start a ZooKeeper and give it to every process (MEDIAMESH_ZK). */
  zookeeper?: boolean;
  /** Run OpenTelemetry in every process (metrics endpoints, e.g. the image service's with MEDIAMESH_METRICS_PORT=0). */
  telemetry?: boolean;
}

/** startStack starts storage (+ image) and a gateway pointed at them. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-gw-'));
  const common: Record<string, string> = { MEDIAMESH_HOME: home, OTEL_SDK_DISABLED: opts.telemetry ? '' : 'true', MALLOC_ARENA_MAX: '2' };
  const started: StartedService[] = [];
  let zk: ZooKeeperServer | undefined;
  const stopAll = async (how: 'stop' | 'kill') => {
    for (const s of started.reverse()) await (how === 'stop' ? s.stop() : s.kill());
    await zk?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    if (opts.zookeeper) {
      zk = await startZooKeeper();
      Object.assign(common, { MEDIAMESH_ZK: zk.connectString, MEDIAMESH_DEREGISTER_DELAY_MS: '0' });
    }
    const storage = await startService('services/storage/main.ts', { env: { ...common, ...opts.storageEnv } });
    started.push(storage);
    const direct: Record<string, string> = { MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: storage.address, MEDIAMESH_DIRECT_IMAGE: '127.0.0.1:1' };
    const extra: StartedService[] = [];
    if (opts.image) {
      const image = await startService('services/image/main.ts', { env: { ...common, ...direct, ...opts.imageEnv } });
      started.push(image);
      extra.push(image);
      direct.MEDIAMESH_DIRECT_IMAGE = image.address;
    }
    const gatewayEnv = { ...common, ...direct, MEDIAMESH_GATEWAY_PORT: '0', MEDIAMESH_ADMIN_TOKEN: ADMIN, MEDIAMESH_SIGNING_KEYS: KEYS, ...opts.gatewayEnv };
    const startGateway = async (env: Record<string, string> = {}) => {
      const gw = await startService('services/gateway/main.ts', { env: { ...gatewayEnv, ...env } });
      started.push(gw);
      return Object.assign(gw, { base: `http://127.0.0.1:${gw.port}` });
    };
    const gateway = await startGateway();
    return { home, storage, gateway, extra, base: gateway.base, zk, startGateway, stop: () => stopAll('stop') };
  } catch (err) {
    await stopAll('kill');
    throw err;
  }
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  json(): Record<string, unknown>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** request sends one HTTP request with the path untouched. */
export function request(
  base: string,
  method: string,
  rawPath: string,
  opts: { headers?: Record<string, string>; body?: Buffer | string | NodeJS.ReadableStream } = {},
): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: rawPath, headers: opts.headers, agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
      });
    });
    req.on('error', reject);
    const body = opts.body;
    if (body && typeof body === 'object' && 'pipe' in body) (body as NodeJS.ReadableStream).pipe(req);
    else req.end(body);
  });
}

/** admin returns the bearer header (plus extra headers). */
export const admin = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${ADMIN}`, ...extra });

/** createBucket makes a bucket through the gateway. */
export async function createBucket(base: string, name: string, visibility: 'public' | 'private'): Promise<void> {
  const res = await request(base, 'POST', '/v1/buckets', { headers: admin({ 'content-type': 'application/json' }), body: JSON.stringify({ name, visibility }) });
  if (res.status !== 200) throw new Error(`create bucket ${name}: ${res.status} ${res.body}`);
}

/** filesUnder lists every file below dir (relative paths). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
