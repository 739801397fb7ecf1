/**
 * Spans survive a graceful stop: a storage process whose batch exporter would wait 10 minutes
 * exports its last spans when SIGTERM runs the runtime's onStopped hook (flush + shutdown).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { startJaeger, type JaegerServer } from '../../launcher/jaeger';
import { fetchTrace, waitForTrace } from '../../observability/jaeger-query';
import { newCaller, startTraced, statObject, withTraceparent } from './support';

let jaeger: JaegerServer;
let dir: string;

beforeAll(async () => {
  jaeger = await startJaeger();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-obs-flush-'));
});

afterAll(async () => {
  await jaeger?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('exports the last spans of a process stopped with SIGTERM', async () => {
  const storage = await startTraced('services/storage/main.ts', jaeger, {
    env: { MEDIAMESH_STORAGE_DIR: dir, OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512' },
  });
  const client = new StorageServiceClient(storage.address, grpc.credentials.createInsecure());
  const caller = newCaller();
  try {
    expect(await statObject(client, 'no-such-bucket', 'k', withTraceparent(caller))).toBe(grpc.status.NOT_FOUND);
    // Nothing is exported yet: the batch would wait 10 minutes (so the test below proves the flush).
    await new Promise((r) => setTimeout(r, 1500));
    expect(await fetchTrace(jaeger.uiUrl, caller.traceId)).toBeUndefined();
  } finally {
    client.close();
    expect(await storage.stop()).toBe(0);
  }
  const trace = await waitForTrace(jaeger.uiUrl, caller.traceId, { minSpans: 1, timeoutMs: 15_000 });
  const server = trace.spans.find((s) => s.kind === 'SERVER' && s.name === 'grpc.mediamesh.storage.v1.StorageService/StatObject');
  expect(server?.service).toBe('mediamesh-storage');
  expect(server?.parentSpanId).toBe(caller.spanId);
  expect(server?.status.code).toBe('ERROR');
});
