/**
 * The results-cache suites' stack: a real ZooKeeper, storage and image services, and gateways
 * with their own results-cache settings (direct mesh mode; storage and gateways on ZooKeeper for
 * the change signals), plus the counters the suites read: Process calls from the image service's
 * Prometheus endpoint, and the gateways' own /metrics.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startService, type StartedService } from '../../launcher/process';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { ADMIN, KEYS } from './stack';

export interface CacheStack {
  readonly home: string;
  readonly zk: ZooKeeperServer;
  readonly storage: StartedService;
  readonly image: StartedService;
  /** gateway starts one more gateway with these settings; its base URL. */
  gateway(env: Record<string, string>): Promise<string>;
  /** processCalls is how many ImageService.Process calls the image service has answered. */
  processCalls(): Promise<number>;
  stop(): Promise<void>;
}

/** startCacheStack starts ZooKeeper, storage and image (with `imageEnv`). */
export async function startCacheStack(imageEnv: Record<string, string> = {}): Promise<CacheStack> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-rc-'));
  const started: StartedService[] = [];
  const zk = await startZooKeeper();
  const common = { MEDIAMESH_HOME: home, OTEL_SDK_DISABLED: '', MALLOC_ARENA_MAX: '2', MEDIAMESH_ZK: zk.connectString, MEDIAMESH_DEREGISTER_DELAY_MS: '0' };
  try {
    const storage = await startService('services/storage/main.ts', { env: common });
    started.push(storage);
    const direct = { MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: storage.address };
    const image = await startService('services/image/main.ts', { env: { ...common, ...direct, MEDIAMESH_METRICS_PORT: '0', ...imageEnv } });
    started.push(image);
    const metricsUrl = String((await image.waitForLog((l) => l.event === 'metrics', 10_000)).url);
    return {
      home,
      zk,
      storage,
      image,
      async gateway(env) {
        const gw = await startService('services/gateway/main.ts', {
          env: { ...common, ...direct, MEDIAMESH_DIRECT_IMAGE: image.address, MEDIAMESH_GATEWAY_PORT: '0', MEDIAMESH_ADMIN_TOKEN: ADMIN, MEDIAMESH_SIGNING_KEYS: KEYS, ...env },
        });
        started.push(gw);
        return `http://127.0.0.1:${gw.port}`;
      },
      async processCalls() {
        const text = await (await fetch(metricsUrl)).text();
        let n = 0;
        for (const m of text.matchAll(/^rpc_server_calls_total\{([^}]*)\} (\d+)/gm)) if (m[1].includes('rpc_method="Process"')) n += Number(m[2]);
        return n;
      },
      stop: async () => {
        for (const s of started.reverse()) await s.stop();
        await zk.stop();
        fs.rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.kill();
    await zk.stop();
    fs.rmSync(home, { recursive: true, force: true });
    throw err;
  }
}

/** metricValue sums a Prometheus series of a gateway's /metrics whose labels include `labels`. */
export async function metricValue(base: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.e+-]+)`, 'gm'))) if ((m[1] ?? '').includes(labels)) sum += Number(m[2]);
  return sum;
}
