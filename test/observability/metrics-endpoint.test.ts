/**
 * The Prometheus endpoint of a real service process (MEDIAMESH_METRICS_PORT=0: a free port, printed
 * in the {"event":"metrics"} log line) serves per-method call counters with status codes and
 * durations; it works with tracing off, and a bad port value stops the process naming the variable.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { seedBuckets } from '../../services/storage/seed';
import { startNode, type StartedService } from '../../launcher/process';
import { distEntry } from '../../core/paths';
import { putObject, startTraced, statObject } from './support';

let dir: string;
let storage: StartedService;
let client: StorageServiceClient;
let metricsUrl: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-obs-metrics-'));
  // Tracing off (no Jaeger): metrics must not depend on it.
  storage = await startTraced('services/storage/main.ts', undefined, { env: { MEDIAMESH_STORAGE_DIR: dir, MEDIAMESH_METRICS_PORT: '0', OTEL_SDK_DISABLED: '' } });
  metricsUrl = String((await storage.waitForLog((l) => l.event === 'metrics', 10_000)).url);
  client = new StorageServiceClient(storage.address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await storage?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** series returns the value of the sample whose name and labels all match. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics endpoint', () => {
  it('counts calls per method and status, with durations', async () => {
    await seedBuckets(client);
    await putObject(client, 'demo', 'a.txt', Buffer.from('hello'));
    for (let i = 0; i < 3; i++) expect(await statObject(client, 'demo', 'a.txt')).toBe(grpc.status.OK);
    for (let i = 0; i < 2; i++) expect(await statObject(client, 'demo', 'missing.txt')).toBe(grpc.status.NOT_FOUND);

    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const stat = { rpc_service: 'mediamesh.storage.v1.StorageService', rpc_method: 'StatObject' };
    expect(text).toContain('# TYPE rpc_server_calls_total counter');
    expect(sample(text, 'rpc_server_calls_total', { ...stat, rpc_grpc_status: 'OK' })).toBe(3);
    expect(sample(text, 'rpc_server_calls_total', { ...stat, rpc_grpc_status: 'NOT_FOUND', rpc_grpc_status_code: '5' })).toBe(2);
    expect(sample(text, 'rpc_server_calls_total', { rpc_method: 'PutObject', rpc_grpc_status: 'OK' })).toBe(1);
    expect(sample(text, 'rpc_server_calls_total', { rpc_method: 'CreateBucket' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'rpc_server_call_duration_count', { ...stat, rpc_grpc_status: 'OK' })).toBe(3);
    expect(sample(text, 'rpc_server_call_duration_sum', { ...stat, rpc_grpc_status: 'OK' })).toBeGreaterThan(0);
    expect(sample(text, 'rpc_server_call_duration_bucket', { ...stat, rpc_grpc_status: 'OK', le: '+Inf' })).toBe(3);
    // The resource names the process.
    expect(text).toMatch(/target_info\{[^}]*service_name="mediamesh-storage"/);
  });

  it('answers 404 off /metrics', async () => {
    const res = await fetch(metricsUrl.replace(/\/metrics$/, '/other'));
    expect(res.status).toBe(404);
  });

  it('a bad MEDIAMESH_METRICS_PORT stops the process with exit 2 naming the variable', async () => {
    const proc = startNode(distEntry('services/storage/main.ts'), { env: { MEDIAMESH_METRICS_PORT: 'eighty', MEDIAMESH_STORAGE_DIR: dir, MEDIAMESH_PORT: '0' } });
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain('MEDIAMESH_METRICS_PORT');
  });
});
