/**
 * Helpers for the observability suites: the real services from dist/ with telemetry pointed at a
 * real Jaeger (direct mesh mode), W3C traceparent values of our own, and small gRPC/HTTP calls.
 */
import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { seedBuckets } from '../../services/storage/seed';
import type { JaegerServer, JaegerSpan } from '../harness/jaeger';
import { startService, type StartedService, type StartOptions } from '../harness/process';

/** Caller is a client-side trace context we send in `traceparent`, as a browser or an SDK would. */
export interface Caller {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceparent: string;
}

/** newCaller makes a sampled W3C trace context. */
export function newCaller(): Caller {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** telemetryEnv points a service at Jaeger with fast batching (tests read traces right away). */
export function telemetryEnv(jaeger: JaegerServer, extra: Record<string, string> = {}): Record<string, string> {
  return { ...jaeger.otelEnv(), MALLOC_ARENA_MAX: '2', ...extra };
}

/** startTraced starts a service entry with telemetry on. */
export function startTraced(entry: string, jaeger: JaegerServer | undefined, opts: StartOptions & { env?: Record<string, string> } = {}): Promise<StartedService> {
  return startService(entry, { ...opts, env: { ...(jaeger ? telemetryEnv(jaeger) : { OTEL_SDK_DISABLED: 'true' }), ...opts.env } });
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
      env: { ...common, ...direct, MEDIAMESH_DIRECT_IMAGE: image.address, MEDIAMESH_GATEWAY_PORT: '0' },
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

/** statObject calls StorageService.StatObject with the given metadata; resolves with the status code. */
export function statObject(client: StorageServiceClient, bucket: string, key: string, metadata = new grpc.Metadata()): Promise<number> {
  return new Promise((resolve) => client.statObject({ bucket, key }, metadata, (err) => resolve(err ? err.code : grpc.status.OK)));
}

/** withTraceparent makes gRPC metadata carrying the caller's context. */
export function withTraceparent(caller: Caller): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('traceparent', caller.traceparent);
  return md;
}

/** findSpan returns the one span matching, or throws listing what the trace holds. */
export function findSpan(spans: readonly JaegerSpan[], pred: (s: JaegerSpan) => boolean, what: string): JaegerSpan {
  const hits = spans.filter(pred);
  if (hits.length !== 1) throw new Error(`expected exactly one ${what}, found ${hits.length} in: ${describeSpans(spans)}`);
  return hits[0]!;
}

/** describeSpans renders a trace for failure messages: service kind name [status] id<-parent. */
export function describeSpans(spans: readonly JaegerSpan[]): string {
  return spans.map((s) => `\n  ${s.service} ${s.kind} ${s.name} [${s.status.code}] ${s.spanId}<-${s.parentSpanId || 'root'}`).join('');
}
