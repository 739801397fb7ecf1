/**
 * Logs lead to traces: a gateway whose image service is down answers 5xx, logs "request failed"
 * carrying the request's trace_id/span_id, and that span is in Jaeger (ERROR, as a server-side failure).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { seedBuckets } from '../../services/storage/seed';
import { startJaeger, type JaegerServer } from '../../launcher/jaeger';
import { waitForTrace } from '../../observability/jaeger-query';
import type { StartedService } from '../../launcher/process';
import { describeSpans, newCaller, putObject, startTraced } from './support';

let jaeger: JaegerServer;
let home: string;
let storage: StartedService;
let gateway: StartedService;

beforeAll(async () => {
  jaeger = await startJaeger();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-obs-logs-'));
  storage = await startTraced('services/storage/main.ts', jaeger, { env: { MEDIAMESH_HOME: home } });
  const client = new StorageServiceClient(storage.address, grpc.credentials.createInsecure());
  await seedBuckets(client);
  await putObject(client, 'demo', 'a.jpg', Buffer.from('not really a jpeg'));
  client.close();
  // Port 1 on loopback refuses connections: the image service is "down".
  gateway = await startTraced('services/gateway/main.ts', jaeger, {
    env: { MEDIAMESH_HOME: home, MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: storage.address, MEDIAMESH_DIRECT_IMAGE: '127.0.0.1:1', MEDIAMESH_GATEWAY_PORT: '0' },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await storage?.stop();
  await jaeger?.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

it('a failed request logs its trace_id and span_id, and the span is in Jaeger', async () => {
  const caller = newCaller();
  const res = await fetch(`http://127.0.0.1:${gateway.port}/demo/a.jpg?imageView2/1/w/10/h/10`, { headers: { traceparent: caller.traceparent } });
  await res.arrayBuffer();
  expect(res.status).toBeGreaterThanOrEqual(500);

  const line = await gateway.waitForLog((l) => l.msg === 'request failed' && l.trace_id === caller.traceId, 10_000);
  expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
  const trace = await waitForTrace(jaeger.uiUrl, caller.traceId, { until: (spans) => spans.some((s) => s.spanId === line.span_id) });
  const logged = trace.spans.find((s) => s.spanId === line.span_id)!;
  expect(logged.service, describeSpans(trace.spans)).toBe('mediamesh-gateway');
  // The HTTP server span of a 5xx is an error (a 4xx would not be).
  const server = trace.spans.find((s) => s.service === 'mediamesh-gateway' && s.kind === 'SERVER');
  expect(server?.parentSpanId, describeSpans(trace.spans)).toBe(caller.spanId);
  expect(server?.status.code, describeSpans(trace.spans)).toBe('ERROR');
});
