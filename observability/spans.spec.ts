import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { traceLogContext } from './log-context';
import { createSampler } from './sampler';
import { bindTrace, inTrace, traceLogFields } from './request-trace';
import { setRequestAttributes, setSpanAttributes, spanHelpers, withSpan } from './spans';
import { SyncContextManager } from './sync-context';

// An in-memory SDK checks the helpers' own logic; test/observability proves export to a real Jaeger.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new SyncContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

describe('withSpan', () => {
  it('runs async work in a child span with the given attributes, dropping undefined ones', async () => {
    const { withSpan: imageSpan } = spanHelpers('image');
    const out = await imageSpan('image.resize', { 'image.width': 64, 'image.crop': undefined }, async (span) => {
      // Active in fn's synchronous part only (SyncContextManager): nested work started here is a child.
      expect(trace.getActiveSpan()).toBe(span);
      const inner = withSpan('inner', {}, async (s) => {
        await new Promise((r) => setTimeout(r, 5));
        setSpanAttributes(s, { 'image.output_bytes': 10, 'image.none': undefined });
      });
      await inner;
      expect(trace.getActiveSpan()).toBeUndefined();
      return 42;
    });
    expect(out).toBe(42);
    const [inner, outer] = exporter.getFinishedSpans();
    expect(outer!.name).toBe('image.resize');
    expect(outer!.instrumentationScope.name).toBe('mediamesh/image');
    expect(outer!.attributes).toEqual({ 'image.width': 64 });
    expect(inner!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
    expect(inner!.attributes).toEqual({ 'image.output_bytes': 10 });
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

describe('request handles (request-trace.ts)', () => {
  it('carry a trace across awaits: child spans, calls, attributes and log fields find the request span by handle', async () => {
    const handle = new AbortController().signal;
    const { withSpan: videoSpan } = spanHelpers('video');
    let serverId = '';
    let seenInCall = '';
    await withSpan('server', {}, async (server) => {
      serverId = server.spanContext().spanId;
      bindTrace(handle);
      await new Promise((r) => setTimeout(r, 1));
      expect(trace.getActiveSpan()).toBeUndefined();
      await videoSpan('video.ffmpeg', {}, async () => undefined, handle);
      setRequestAttributes(handle, { 'video.op': 'vframe' });
      seenInCall = inTrace(handle, () => trace.getActiveSpan()?.spanContext().spanId ?? '');
      expect(traceLogFields(handle)).toEqual({ trace_id: server.spanContext().traceId, span_id: serverId });
    });
    expect(seenInCall).toBe(serverId);
    const [child, server] = exporter.getFinishedSpans();
    expect(child!.parentSpanContext?.spanId).toBe(serverId);
    expect(server!.attributes).toEqual({ 'video.op': 'vframe' });
  });

  it('an unbound handle falls back to the active context, and to nothing outside any span', async () => {
    const handle = {};
    expect(traceLogFields(handle)).toEqual({});
    expect(inTrace(handle, () => 7)).toBe(7);
    await withSpan('orphan', {}, async () => undefined, handle);
    expect(exporter.getFinishedSpans()[0]!.parentSpanContext).toBeUndefined();
  });
});

describe('traceLogContext', () => {
  it('gives the active span ids, and nothing outside a span', async () => {
    expect(traceLogContext()).toBeUndefined();
    await withSpan('work', {}, (span) => {
      expect(traceLogContext()).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    });
  });
});

describe('createSampler', () => {
  it('maps the spec names, parent-based by default', () => {
    expect(createSampler('parentbased_always_on', 1).toString()).toMatch(/ParentBased\{root=AlwaysOnSampler/);
    expect(createSampler('always_off', 1).toString()).toBe('AlwaysOffSampler');
    expect(createSampler('traceidratio', 0.25).toString()).toBe('TraceIdRatioBased{0.25}');
    expect(createSampler('parentbased_traceidratio', 0.5).toString()).toMatch(/root=TraceIdRatioBased\{0.5\}/);
  });
});
