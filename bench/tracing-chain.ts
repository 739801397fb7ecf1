/**
 * startChain: gateway → image → storage from dist/ (direct mesh mode), every process traced into a
 * real Jaeger, or all untraced (OTEL_SDK_DISABLED) when no Jaeger is given. Shared by the
 * observability tests and bench/tracing-overhead.ts.
 */
import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { StorageServiceClient } from '../generated/mediamesh/storage/v1/storage';
import { allocatorEnv } from '../core/allocator';
import { seedBuckets } from '../services/storage/seed';
import type { JaegerServer } from '../launcher/jaeger';
import { startService, type StartedService, type StartOptions } from '../launcher/process';

/** THUMBNAIL_PATH: the gateway request the chain benchmarks load (a 200×200 thumbnail of the sample). */
export const THUMBNAIL_PATH = '/demo/sample.jpg?imageView2/1/w/200/h/200';

/**
 * distinctThumbnails: autocannon options whose every request in flight is another URL (widths
 * 184..215 in turn, 200 on average, height 200). The gateway joins identical requests in flight
 * (single flight, on even with the results cache off), so one repeated URL at concurrency > 1
 * would measure the joining, not the chain: it read 5× direct sharp at c=16.
 */
export function distinctThumbnails(): { requests: Array<{ method: string; setupRequest: (req: Record<string, unknown>) => Record<string, unknown> }> } {
  let n = 0;
  return { requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/demo/sample.jpg?imageView2/1/w/${184 + (n++ % 32)}/h/200` }) }] };
}

/** sampleJpeg makes the benchmarks' source image: a plain colour, width × height, JPEG quality 85. */
export function sampleJpeg(width = 640, height = 427): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg({ quality: 85 }).toBuffer();
}

/** telemetryEnv points a service at Jaeger with fast batching, or turns telemetry off without one. */
export function telemetryEnv(jaeger: JaegerServer | undefined): Record<string, string> {
  return { ...allocatorEnv(), ...(jaeger ? jaeger.otelEnv() : { OTEL_SDK_DISABLED: 'true' }) };
}

/** startTraced starts a service entry with telemetry into jaeger (or off). */
export function startTraced(entry: string, jaeger: JaegerServer | undefined, opts: StartOptions & { env?: Record<string, string> } = {}): Promise<StartedService> {
  return startService(entry, { ...opts, env: { ...telemetryEnv(jaeger), ...opts.env } });
}

/** Chain is gateway → image → storage from dist/, dialled directly. */
export interface Chain {
  readonly storage: StartedService;
  readonly image: StartedService;
  readonly gateway: StartedService;
  readonly base: string;
  readonly storageClient: StorageServiceClient;
  put(bucket: string, key: string, data: Buffer): Promise<void>;
  stop(): Promise<void>;
}

/** startChain starts storage, image and gateway (all traced into jaeger, or all untraced) and seeds the demo bucket. */
export async function startChain(jaeger: JaegerServer | undefined, env: Record<string, string> = {}): Promise<Chain> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-obs-'));
  const started: StartedService[] = [];
  const common = { MEDIAMESH_HOME: home, ...env };
  try {
    const storage = await startTraced('services/storage/main.ts', jaeger, { env: common });
    started.push(storage);
    const direct = { MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: storage.address };
    const image = await startTraced('services/image/main.ts', jaeger, { env: { ...common, ...direct } });
    started.push(image);
    const gateway = await startTraced('services/gateway/main.ts', jaeger, {
      // The results cache off: every request makes the whole chain's calls (what these benchmarks measure).
      env: { ...common, ...direct, MEDIAMESH_DIRECT_IMAGE: image.address, MEDIAMESH_GATEWAY_PORT: '0', MEDIAMESH_RESULT_CACHE_BYTES: '0' },
    });
    started.push(gateway);
    const storageClient = new StorageServiceClient(storage.address, grpc.credentials.createInsecure());
    await seedBuckets(storageClient);
    return {
      storage,
      image,
      gateway,
      base: `http://127.0.0.1:${gateway.port}`,
      storageClient,
      put: (bucket, key, data) => putObject(storageClient, bucket, key, data),
      stop: async () => {
        storageClient.close();
        for (const s of started.reverse()) await s.stop();
        fs.rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.kill();
    fs.rmSync(home, { recursive: true, force: true });
    throw err;
  }
}

/** putObject uploads bytes through StorageService.PutObject (header, then chunks). */
export function putObject(client: StorageServiceClient, bucket: string, key: string, data: Buffer, metadata = new grpc.Metadata()): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const call = client.putObject(metadata, (err) => (err ? reject(err) : resolve()));
    call.write({ part: { $case: 'header', value: { bucket, key, contentType: '' } } });
    for (let i = 0; i < data.length; i += 64 * 1024) call.write({ part: { $case: 'chunk', value: data.subarray(i, i + 64 * 1024) } });
    call.end();
  });
}

