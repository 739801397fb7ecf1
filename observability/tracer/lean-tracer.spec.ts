/**
 * The lean tracer through the public @opentelemetry/api: sampling (the spec samplers, parent
 * first), parenting, active spans, limits, status and exception rules, and what reaches the sink.
 */
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSampler } from '../sampler';
import { SyncContextManager } from '../sync-context';
import { LeanSpan, type SpanLimits } from './lean-span';
import { LeanTracerProvider } from './lean-tracer';

const ended: LeanSpan[] = [];
const sink = { onEnd: (s: LeanSpan) => ended.push(s) };
const limits: SpanLimits = { attributeCountLimit: 4, attributeValueLengthLimit: 8, eventCountLimit: 2, linkCountLimit: 1 };
const provider = (sampler = createSampler('parentbased_always_on', 1)) => new LeanTracerProvider({ sampler, limits, sink });
const tracer = provider().getTracer('mediamesh/test', '1.2.3');

const remote = (flags: TraceFlags): SpanContext => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: flags, isRemote: true });

beforeAll(() => context.setGlobalContextManager(new SyncContextManager()));
afterAll(() => context.disable());
beforeEach(() => (ended.length = 0));

describe('LeanTracer', () => {
  it('starts a root span with fresh ids, records it and hands it to the sink once when it ends', () => {
    const span = tracer.startSpan('root', { kind: SpanKind.SERVER, attributes: { a: 1 } }, ROOT_CONTEXT);
    expect(span).toBeInstanceOf(LeanSpan);
    const sc = span.spanContext();
    expect(sc.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(sc.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(sc.traceFlags).toBe(TraceFlags.SAMPLED);
    expect(span.isRecording()).toBe(true);
    span.end();
    span.end();
    expect(ended).toEqual([span]);
    expect(span.isRecording()).toBe(false);
    const lean = span as LeanSpan;
    expect(lean.parent).toBeUndefined();
    expect(lean.kind).toBe(SpanKind.SERVER);
    expect(lean.scope).toEqual({ name: 'mediamesh/test', version: '1.2.3' });
    expect(lean.endMs).toBeGreaterThanOrEqual(lean.startMs);
    expect(Math.abs(lean.startMs - Date.now())).toBeLessThan(1000);
  });

  it('continues a sampled remote parent: same trace, its span id as parent', () => {
    const span = tracer.startSpan('child', {}, trace.setSpanContext(ROOT_CONTEXT, remote(TraceFlags.SAMPLED))) as LeanSpan;
    expect(span.spanContext().traceId).toBe('a'.repeat(32));
    expect(span.spanContext().spanId).not.toBe('b'.repeat(16));
    expect(span.parent?.spanId).toBe('b'.repeat(16));
    expect(span.parent?.isRemote).toBe(true);
  });

  it('follows an unsampled parent: a non-recording span that still carries the trace on', () => {
    const span = tracer.startSpan('child', {}, trace.setSpanContext(ROOT_CONTEXT, remote(TraceFlags.NONE)));
    expect(span).not.toBeInstanceOf(LeanSpan);
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext()).toMatchObject({ traceId: 'a'.repeat(32), traceFlags: TraceFlags.NONE });
    expect(span.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
    span.end();
    expect(ended).toEqual([]);
  });

  it('parentBased: a child follows its parent, local or remote, without asking the sampler; an unsampled parent is passed on as it is', () => {
    const asked: string[] = [];
    const base = createSampler('parentbased_always_on', 1);
    const counting = { shouldSample: (...args: Parameters<typeof base.shouldSample>) => (asked.push(args[2]), base.shouldSample(...args)), toString: () => 'counting' };
    const t = new LeanTracerProvider({ sampler: counting, parentBased: true, limits, sink }).getTracer('follow');
    const root = t.startSpan('root', {}, ROOT_CONTEXT);
    const child = t.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root)) as LeanSpan;
    const remoteChild = t.startSpan('remote-child', {}, trace.setSpanContext(ROOT_CONTEXT, remote(TraceFlags.SAMPLED))) as LeanSpan;
    const unsampledParent = trace.setSpanContext(ROOT_CONTEXT, remote(TraceFlags.NONE));
    const unsampled = t.startSpan('unsampled-child', { attributes: { a: 1 } }, unsampledParent);
    expect(asked).toEqual(['root']);
    expect(child.spanContext()).toMatchObject({ traceId: root.spanContext().traceId, traceFlags: TraceFlags.SAMPLED });
    expect(child.parent?.spanId).toBe(root.spanContext().spanId);
    expect(remoteChild).toBeInstanceOf(LeanSpan);
    expect(remoteChild.parent?.spanId).toBe('b'.repeat(16));
    // The unsampled child is the parent's span: the trace goes on with the caller's ids and nothing is recorded.
    expect(unsampled).toBe(trace.getSpan(unsampledParent));
    expect(unsampled.isRecording()).toBe(false);
    expect(t.startSpan('grandchild', {}, trace.setSpan(unsampledParent, unsampled))).toBe(unsampled);
    unsampled.end();
    expect(ended).toEqual([]);
    // An invalid parent is no parent: the span is a root, and the sampler decides.
    t.startSpan('orphan', {}, trace.setSpanContext(ROOT_CONTEXT, { traceId: '0'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.NONE }));
    expect(asked).toEqual(['root', 'orphan']);
  });

  it('samples roots by trace id ratio (parentbased_traceidratio)', () => {
    const t = provider(createSampler('parentbased_traceidratio', 0.25)).getTracer('ratio');
    let sampled = 0;
    for (let i = 0; i < 4000; i++) if (t.startSpan('r', {}, ROOT_CONTEXT).isRecording()) sampled++;
    expect(sampled).toBeGreaterThan(800);
    expect(sampled).toBeLessThan(1200);
  });

  it('startActiveSpan makes the span active for the function, in all three forms', () => {
    const seen: (string | undefined)[] = [];
    const id = (s: { spanContext(): SpanContext }) => s.spanContext().spanId;
    tracer.startActiveSpan('a', (s) => seen.push(trace.getActiveSpan() && id(trace.getActiveSpan()!), id(s)));
    tracer.startActiveSpan('b', { kind: SpanKind.CLIENT }, (s) => seen.push(id(trace.getActiveSpan()!), id(s)));
    const parent = tracer.startSpan('p', {}, ROOT_CONTEXT);
    const result = tracer.startActiveSpan('c', {}, trace.setSpan(ROOT_CONTEXT, parent), (s) => {
      expect((s as LeanSpan).parent?.spanId).toBe(id(parent));
      return 42;
    });
    expect(result).toBe(42);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).toBe(seen[3]);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('root: true ignores the active span', () => {
    const parent = tracer.startSpan('p', {}, ROOT_CONTEXT);
    const span = tracer.startSpan('r', { root: true }, trace.setSpan(ROOT_CONTEXT, parent)) as LeanSpan;
    expect(span.parent).toBeUndefined();
    expect(span.spanContext().traceId).not.toBe(parent.spanContext().traceId);
  });
});

describe('LeanSpan', () => {
  it('caps attributes (counting the dropped ones), cuts long strings, ignores invalid values', () => {
    const span = tracer.startSpan('s', { attributes: { a: 'x'.repeat(20), b: 2 } }, ROOT_CONTEXT) as LeanSpan;
    span.setAttribute('c', true);
    span.setAttribute('bad', { nested: 1 } as never);
    span.setAttribute('mixed', [1, 'a'] as never);
    span.setAttribute('d', ['long-string', null, 'ok'] as never);
    span.setAttribute('a', 'again'); // an existing key is replaced, never dropped
    span.setAttribute('e', 5);
    span.setAttribute('f', 6);
    span.end();
    span.setAttribute('after', 1);
    expect(span.attributes).toEqual({ a: 'again', b: 2, c: true, d: ['long-str', null, 'ok'] });
    expect(span.droppedAttributes).toBe(2);
  });

  it('keeps the first ERROR or OK: OK is final, UNSET changes nothing, nothing changes after end', () => {
    const a = tracer.startSpan('a', {}, ROOT_CONTEXT) as LeanSpan;
    a.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    a.setStatus({ code: SpanStatusCode.UNSET });
    expect(a.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    a.setStatus({ code: SpanStatusCode.OK, message: 'ignored' });
    a.setStatus({ code: SpanStatusCode.ERROR, message: 'later' });
    expect(a.status).toEqual({ code: SpanStatusCode.OK });
    a.updateName('renamed');
    a.end();
    a.updateName('too late');
    a.addEvent('too late');
    expect(a.name).toBe('renamed');
    expect(a.events).toBeUndefined();
  });

  it('records an exception as an event, caps events and links', () => {
    const span = tracer.startSpan('s', {}, ROOT_CONTEXT) as LeanSpan;
    const err = Object.assign(new Error('no such key'), { code: 5 });
    span.recordException(err);
    span.addEvent('second', Date.now());
    span.addEvent('third');
    span.addLink({ context: remote(TraceFlags.SAMPLED) });
    span.addLink({ context: remote(TraceFlags.SAMPLED) });
    span.end();
    expect(span.events!.map((e) => e.name)).toEqual(['exception', 'second']);
    expect(span.events![0]!.attributes).toMatchObject({ 'exception.type': '5', 'exception.message': 'no such '.slice(0, 8) });
    expect(span.droppedEvents).toBe(1);
    expect(span.links).toHaveLength(1);
    expect(span.droppedLinks).toBe(1);
  });
});
