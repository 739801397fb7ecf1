/**
 * BatchSpanExporter against a real HTTP collector on 127.0.0.1: batching by delay and by size,
 * forceFlush and shutdown, headers, retries on 503, giving up (with one warning) on 400 and on a
 * full queue, and that unsampled spans never leave.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeTraceExport } from '../../test/harness/otlp-decode';
import { createLogger } from '../../core/log';
import { createSampler } from '../sampler';
import { LeanTracerProvider } from './lean-tracer';
import { BatchSpanExporter, type BatchExporterOptions } from './span-exporter';

interface Received {
  headers: http.IncomingHttpHeaders;
  names: string[];
}

/** collector answers each POST with the next status of `statuses` (then 200) and records what it got. */
async function collector(statuses: number[] = []) {
  const received: Received[] = [];
  let attempts = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      const status = statuses.shift() ?? 200;
      if (status === 200) {
        const names = decodeTraceExport(Buffer.concat(chunks)).scopes.flatMap((s) => s.spans.map((sp) => sp.name));
        received.push({ headers: req.headers, names });
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  return { url, received, attempts: () => attempts, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const warnings: Record<string, unknown>[] = [];
const log = { ...createLogger({ service: 'test' }), warn: (_msg: string, fields?: Record<string, unknown>) => void warnings.push(fields ?? {}) } as ReturnType<typeof createLogger>;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  warnings.length = 0;
  for (const c of cleanups.splice(0)) await c();
});

async function setup(statuses: number[] = [], opts: Partial<BatchExporterOptions> = {}) {
  const c = await collector(statuses);
  const exporter = new BatchSpanExporter({
    url: c.url,
    headers: { authorization: 'Bearer t0k' },
    timeoutMs: 5000,
    scheduleDelayMs: 50,
    maxQueueSize: 100,
    maxExportBatchSize: 10,
    resource: { 'service.name': 'mediamesh-test' },
    log,
    ...opts,
  });
  cleanups.push(() => exporter.shutdown(), c.close);
  const limits = { attributeCountLimit: 128, attributeValueLengthLimit: Infinity, eventCountLimit: 128, linkCountLimit: 128 };
  const tracer = new LeanTracerProvider({ sampler: createSampler('parentbased_always_on', 1), limits, sink: exporter }).getTracer('t');
  const make = (n: number, prefix = 's') => {
    for (let i = 0; i < n; i++) tracer.startSpan(`${prefix}${i}`, {}, ROOT_CONTEXT).end();
  };
  return { c, exporter, tracer, make };
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('BatchSpanExporter', () => {
  it('sends after the schedule delay, with the configured headers, as OTLP protobuf', async () => {
    const { c, make } = await setup();
    make(3);
    expect(c.received).toHaveLength(0);
    await until(() => c.received.length === 1);
    expect(c.received[0]!.names).toEqual(['s0', 's1', 's2']);
    expect(c.received[0]!.headers).toMatchObject({ authorization: 'Bearer t0k', 'content-type': 'application/x-protobuf' });
  });

  it('sends a full batch at once, a partial one at the delay or at forceFlush', async () => {
    const { c, exporter, make } = await setup([], { scheduleDelayMs: 60_000 });
    make(10);
    await until(() => c.received.length === 1);
    make(5, 'r');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.received).toHaveLength(1);
    await exporter.forceFlush();
    expect(c.received.map((r) => r.names.length)).toEqual([10, 5]);
    make(25, 'm'); // batches of at most 10, all sent once started
    await exporter.forceFlush();
    expect(c.received.slice(2).every((r) => r.names.length <= 10)).toBe(true);
    expect(c.received.flatMap((r) => r.names)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `s${i}`),
      ...Array.from({ length: 5 }, (_, i) => `r${i}`),
      ...Array.from({ length: 25 }, (_, i) => `m${i}`),
    ]);
  });

  it('encodes a span when it ends: the batch holds its bytes, not the span', async () => {
    const { c, exporter, tracer } = await setup([], { scheduleDelayMs: 60_000 });
    const span = tracer.startSpan('as-ended', { attributes: { n: 1 } }, ROOT_CONTEXT);
    span.end();
    // What the exporter sends must not depend on the span object after end().
    Object.assign(span as unknown as Record<string, unknown>, { name: 'changed later', attributes: { n: 2 } });
    await exporter.forceFlush();
    expect(c.received.map((r) => r.names)).toEqual([['as-ended']]);
  });

  it('retries a 503 and delivers', async () => {
    const { c, exporter, make } = await setup([503, 503]);
    make(2);
    await exporter.forceFlush();
    expect(c.attempts()).toBe(3);
    expect(c.received.map((r) => r.names)).toEqual([['s0', 's1']]);
    expect(warnings).toEqual([]);
  });

  it('gives a 400 up at once with one warning counting the spans lost, and goes on with the next batch', async () => {
    const { c, exporter, make } = await setup([400, 200, 400]);
    make(2, 'a');
    await exporter.forceFlush();
    make(2, 'b');
    await exporter.forceFlush();
    make(3, 'c');
    await exporter.forceFlush();
    expect(c.attempts()).toBe(3);
    expect(c.received.map((r) => r.names)).toEqual([['b0', 'b1']]);
    expect(warnings).toHaveLength(1); // the second failure falls in the 30 s quiet period
    expect(warnings[0]).toMatchObject({ event: 'span-export-failed', dropped_spans: 2 });
  });

  it('drops what does not fit the queue, with a warning', async () => {
    // Port 9 refuses: the first batch is being retried while the rest arrive.
    const { exporter, make } = await setup([], { maxQueueSize: 5, maxExportBatchSize: 5, scheduleDelayMs: 60_000, timeoutMs: 1000, url: 'http://127.0.0.1:9/v1/traces' });
    make(5);
    make(7, 'x');
    expect(warnings[0]).toMatchObject({ event: 'span-export-failed', dropped_spans: 1 });
    await exporter.shutdown();
  });

  it('never exports unsampled spans; after shutdown nothing more is sent', async () => {
    const { c, exporter, tracer, make } = await setup();
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: TraceFlags.NONE, isRemote: true });
    tracer.startSpan('unsampled', {}, unsampled).end();
    make(1);
    await exporter.shutdown();
    make(1, 'late');
    await new Promise((r) => setTimeout(r, 120));
    expect(c.received.map((r) => r.names)).toEqual([['s0']]);
  });
});
