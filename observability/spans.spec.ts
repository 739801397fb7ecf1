import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { traceLogContext } from './log-context';
import { setActiveSpanAttributes, setSpanAttributes, spanHelpers, withSpan } from './spans';
import { captureTraceContext, withStoredParent } from './trace-context';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

// An in-memory SDK with the context manager NodeSDK installs checks the helpers' own logic;
// test/observability proves export to a real Jaeger.
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

describe('withSpan', () => {
  it('runs async work in a child span with the given attributes, dropping undefined ones; the span stays active across awaits', async () => {
    const { withSpan: imageSpan } = spanHelpers('image');
    const out = await imageSpan('image.resize', { 'image.width': 64, 'image.crop': undefined }, async (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      await new Promise((r) => setTimeout(r, 2));
      expect(trace.getActiveSpan()).toBe(span);
      await withSpan('inner', {}, async (s) => {
        await new Promise((r) => setTimeout(r, 5));
        setSpanAttributes(s, { 'image.output_bytes': 10, 'image.none': undefined });
      });
      setActiveSpanAttributes({ 'image.source.format': 'jpeg' });
      return 42;
    });
    expect(out).toBe(42);
    expect(trace.getActiveSpan()).toBeUndefined();
    const [inner, outer] = exporter.getFinishedSpans();
    expect(outer!.name).toBe('image.resize');
    expect(outer!.instrumentationScope.name).toBe('mediamesh/image');
    expect(outer!.attributes).toEqual({ 'image.width': 64, 'image.source.format': 'jpeg' });
    expect(inner!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
    expect(inner!.attributes).toEqual({ 'image.output_bytes': 10 });
  });

  it('keeps concurrent requests apart: each child finds its own parent after interleaved awaits', async () => {
    const request = (name: string, delay: number) =>
      withSpan(name, {}, async () => {
        await new Promise((r) => setTimeout(r, delay));
        await withSpan(`${name}.step`, {}, async () => new Promise((r) => setTimeout(r, delay)));
      });
    await Promise.all([request('a', 6), request('b', 1), request('c', 3)]);
    const spans = exporter.getFinishedSpans();
    for (const name of ['a', 'b', 'c']) {
      const parent = spans.find((s) => s.name === name)!;
      expect(spans.find((s) => s.name === `${name}.step`)!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    }
  });

  it('marks a failure ERROR with the gRPC code and public message, and rethrows', async () => {
    const err = Object.assign(new Error('decode: corrupt header'), { code: 3, publicMessage: 'not an image' });
    await expect(withSpan('image.decode', {}, () => Promise.reject(err))).rejects.toBe(err);
    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'not an image' });
    expect(span!.attributes['rpc.grpc.status_code']).toBe(3);
    expect(span!.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('withSpanSync ends the span on return and on throw', () => {
    const { withSpanSync } = spanHelpers('video');
    expect(withSpanSync('plan', {}, () => 'ok')).toBe('ok');
    expect(() => withSpanSync('plan', {}, () => { throw new Error('bad'); })).toThrow('bad');
    expect(exporter.getFinishedSpans().map((s) => s.status.code)).toEqual([SpanStatusCode.UNSET, SpanStatusCode.ERROR]);
  });
});

describe('stored trace context (trace-context.ts)', () => {
  it('parents later work on the submitting span and links to it', async () => {
    let carrier: Record<string, string> = {};
    let submitId = '';
    await withSpan('submit', {}, async (span) => {
      submitId = span.spanContext().spanId;
      carrier = captureTraceContext();
    });
    expect(carrier.traceparent).toContain(submitId);
    await withStoredParent('video', 'video.job', carrier, { 'job.id': 'j1' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      await withSpan('video.ffmpeg', {}, async () => undefined);
    });
    const spans = exporter.getFinishedSpans();
    const job = spans.find((s) => s.name === 'video.job')!;
    expect(job.parentSpanContext?.spanId).toBe(submitId);
    expect(job.links.map((l) => l.context.spanId)).toEqual([submitId]);
    expect(spans.find((s) => s.name === 'video.ffmpeg')!.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
  });
});

describe('traceLogContext', () => {
  it('gives the active span ids, and nothing outside a span', async () => {
    expect(traceLogContext()).toBeUndefined();
    await withSpan('work', {}, async (span) => {
      await new Promise((r) => setTimeout(r, 1));
      expect(traceLogContext()).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    });
  });
});
