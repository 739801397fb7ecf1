/**
 * What the results-cache suites add to the gateway stack (stack.ts): the stack with the image
 * service and a real ZooKeeper (storage publishes its change signals there, gateways watch them),
 * the image service's own count of Process calls (its Prometheus endpoint: counted where the work
 * happens, not by the gateway under test), a gateway's /metrics, a storage client that writes
 * around the gateways, and the test image.
 */
import * as grpc from '@grpc/grpc-js';
import sharp from 'sharp';
import { putObject } from '../../bench/tracing-chain';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { admin, startStack, type Stack } from './stack';

export interface CacheStack extends Stack {
  /** processCalls is how many ImageService.Process calls the image service has answered. */
  processCalls(): Promise<number>;
  /** storageCalls is how many calls of `method` storage has answered (its own Prometheus endpoint). */
  storageCalls(method: string): Promise<number>;
  /** storageClient talks to storage directly over gRPC (writes no gateway sees). */
  readonly storageClient: StorageServiceClient;
}

/** startCacheStack starts ZooKeeper, storage, image (with `imageEnv`) and a first gateway (with `gatewayEnv`). */
export async function startCacheStack(opts: { imageEnv?: Record<string, string>; gatewayEnv?: Record<string, string> } = {}): Promise<CacheStack> {
  const stack = await startStack({
    image: true,
    zookeeper: true,
    telemetry: true,
    imageEnv: { MEDIAMESH_METRICS_PORT: '0', ...opts.imageEnv },
    storageEnv: { MEDIAMESH_METRICS_PORT: '0' },
    gatewayEnv: opts.gatewayEnv,
  });
  const image = stack.extra[0]!;
  const metricsUrl = String((await image.waitForLog((l) => l.event === 'metrics', 10_000)).url);
  const storageMetricsUrl = String((await stack.storage.waitForLog((l) => l.event === 'metrics', 10_000)).url);
  const storageClient = new StorageServiceClient(stack.storage.address, grpc.credentials.createInsecure());
  const stopStack = stack.stop;
  return Object.assign(stack, {
    storageClient,
    processCalls: () => serverCalls(metricsUrl, 'Process'),
    storageCalls: (method: string) => serverCalls(storageMetricsUrl, method),
    stop: async () => {
      storageClient.close();
      await stopStack();
    },
  });
}

/** serverCalls sums a service's rpc_server_calls_total of one method (every status). */
async function serverCalls(metricsUrl: string, method: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let n = 0;
  for (const m of text.matchAll(/^rpc_server_calls_total\{([^}]*)\} (\d+)/gm)) if (m[1]!.includes(`rpc_method="${method}"`)) n += Number(m[2]);
  return n;
}

/** metricValue sums a Prometheus series of a gateway's /metrics whose labels include `labels`. */
export async function metricValue(base: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.e+-]+)`, 'gm'))) if ((m[1] ?? '').includes(labels)) sum += Number(m[2]);
  return sum;
}

/** writeAround puts an object straight into storage over gRPC: no gateway sees the write. */
export const writeAround = (stack: CacheStack, bucket: string, key: string, data: Buffer) => putObject(stack.storageClient, bucket, key, data);

/** deleteAround deletes an object straight in storage over gRPC. */
export const deleteAround = (stack: CacheStack, bucket: string, key: string) =>
  new Promise<void>((resolve, reject) => stack.storageClient.deleteObject({ bucket, key }, (err) => (err ? reject(err) : resolve())));

/** put uploads through a gateway. */
export async function put(base: string, path: string, body: Buffer, type = 'image/jpeg'): Promise<void> {
  const res = await fetch(`${base}${path}`, { method: 'PUT', headers: admin({ 'content-type': type }), body });
  if (res.status !== 200) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
}

/** get fetches a URL and reads its whole body. */
export async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** photo is a 640×427 JPEG of noise in one colour (noise: results differ, and compress as photos do). */
export function photo(mean = 128): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 427, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean, sigma: 60 } } })
    .jpeg({ quality: 85 })
    .toBuffer();
}
