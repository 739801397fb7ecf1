/**
 * encodeTraceExport against an independent OTLP reader (test/harness/otlp-decode.ts): every field
 * a span carries, attribute value types, scopes, and messages long enough that their length
 * prefixes need two and three bytes (the writer's in-place patching).
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { decodeTraceExport, referenceNanos } from '../../test/harness/otlp-decode';
import { createSampler } from '../sampler';
import type { LeanSpan } from './lean-span';
import { LeanTracerProvider } from './lean-tracer';
import { encodeTraceExport, OtlpBatch } from './otlp-encode';

function spans() {
  const ended: LeanSpan[] = [];
  const limits = { attributeCountLimit: 128, attributeValueLengthLimit: Infinity, eventCountLimit: 128, linkCountLimit: 128 };
  const provider = new LeanTracerProvider({ sampler: createSampler('parentbased_always_on', 1), limits, sink: { onEnd: (s) => ended.push(s) } });
  return { ended, provider };
}

describe('encodeTraceExport', () => {
  it('writes resource, scopes and every span field so that an OTLP reader gets them back', () => {
    const { ended, provider } = spans();
    const parent = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true };
    const server = provider.getTracer('mediamesh/grpc').startSpan(
      'grpc.mediamesh.image.v1.ImageService/Process',
      { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.grpc.status_code': 0, neg: -7, ratio: 0.25, ok: true, tags: ['a', 'b'], nums: [1, 2.5], 'ключ': 'ñandú 🚀', edge: 'x'.repeat(127) } },
      trace.setSpanContext(ROOT_CONTEXT, parent),
    );
    const step = provider.getTracer('mediamesh/image', '0.1.0').startSpan('image.encode', {}, trace.setSpan(ROOT_CONTEXT, server));
    step.recordException(new Error('unsupported format'));
    step.setStatus({ code: SpanStatusCode.ERROR, message: 'unsupported format' });
    step.addLink({ context: parent, attributes: { why: 'job' } });
    step.end();
    server.end();

    const body = encodeTraceExport({ 'service.name': 'mediamesh-image', 'process.pid': 42 }, ended);
    const out = decodeTraceExport(body);
    expect(out.resource).toEqual({ 'service.name': 'mediamesh-image', 'process.pid': 42 });
    expect(out.scopes.map((s) => [s.name, s.version, s.spans.length])).toEqual([
      ['mediamesh/image', '0.1.0', 1],
      ['mediamesh/grpc', '', 1],
    ]);
    const [enc] = out.scopes[0]!.spans;
    const [srv] = out.scopes[1]!.spans;
    expect(srv).toMatchObject({
      traceId: parent.traceId,
      spanId: server.spanContext().spanId,
      parentSpanId: parent.spanId,
      name: 'grpc.mediamesh.image.v1.ImageService/Process',
      kind: 2, // SPAN_KIND_SERVER
      attributes: { 'rpc.system': 'grpc', 'rpc.grpc.status_code': 0, neg: -7, ratio: 0.25, ok: true, tags: ['a', 'b'], nums: [1, 2.5], 'ключ': 'ñandú 🚀', edge: 'x'.repeat(127) },
      status: { code: 0, message: '' },
      flags: 0x301, // sampled, parent's remoteness known, remote
    });
    const lean = ended[1]!;
    expect(srv!.startNs).toBe(referenceNanos(lean.startMs));
    expect(srv!.endNs).toBe(referenceNanos(lean.endMs));
    expect(Math.abs(Number(srv!.startNs / 1_000_000n) - Date.now())).toBeLessThan(1000);
    expect(enc).toMatchObject({ traceId: parent.traceId, parentSpanId: server.spanContext().spanId, kind: 1, status: { code: 2, message: 'unsupported format' }, flags: 0x101 });
    expect(enc!.events).toHaveLength(1);
    expect(enc!.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.type': 'Error', 'exception.message': 'unsupported format' } });
    expect(enc!.links).toEqual([{ traceId: parent.traceId, spanId: parent.spanId, attributes: { why: 'job' }, flags: 0x301 }]);
  });

  it('patches 1-, 2- and 3-byte lengths: values around 128 bytes, long values, many attributes, a batch of 512 spans', () => {
    const { ended, provider } = spans();
    const tracer = provider.getTracer('bulk');
    const long = 'é'.repeat(20_000); // 40,000 UTF-8 bytes
    for (let i = 0; i < 512; i++) {
      const s = tracer.startSpan(`span-${i}`, { attributes: { i, text: i % 100 === 0 ? long : `v${i}` } }, ROOT_CONTEXT);
      for (let k = 0; k < 20; k++) s.setAttribute(`attr.${k}`, `value number ${k} of span ${i}`);
      s.setAttribute('mid', 'm'.repeat(120 + (i % 140))); // messages of 128 to 259 bytes around it
      s.end();
    }
    const body = encodeTraceExport({ 'service.name': 'bulk' }, ended);
    expect(body.length).toBeGreaterThan(200_000);
    const decoded = decodeTraceExport(body).scopes[0]!.spans;
    expect(decoded).toHaveLength(512);
    expect(decoded.map((s) => s.name)).toEqual(ended.map((s) => s.name));
    expect(decoded[100]!.attributes.text).toBe(long);
    expect(decoded.every((s, i) => s.attributes.mid === 'm'.repeat(120 + (i % 140)))).toBe(true);
    expect(decoded[511]!.attributes).toMatchObject({ i: 511, text: 'v511', 'attr.19': 'value number 19 of span 511' });
    expect(decoded.every((s, i) => s.spanId === ended[i]!.spanContext().spanId)).toBe(true);
  });

  it('keeps the message well-formed when a link carries an id that is not hex', () => {
    const { ended, provider } = spans();
    const span = provider.getTracer('t').startSpan('linked', {}, ROOT_CONTEXT);
    span.addLink({ context: { traceId: 'not-hex-at-all-but-32-chars-long', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED } });
    span.end();
    const [decoded] = decodeTraceExport(encodeTraceExport({}, ended)).scopes[0]!.spans;
    expect(decoded!.name).toBe('linked');
    expect(decoded!.links).toEqual([{ traceId: '0'.repeat(32), spanId: 'b7ad6b7169203331', attributes: {}, flags: 0x101 }]);
  });

  it('writes nanosecond timestamps exactly for times given as HrTime', () => {
    const { ended, provider } = spans();
    const span = provider.getTracer('t').startSpan('timed', { startTime: [1_764_000_000, 123_456_789] }, ROOT_CONTEXT);
    span.end([1_764_000_001, 5_000]);
    const [decoded] = decodeTraceExport(encodeTraceExport({}, ended)).scopes[0]!.spans;
    // epoch ms as a double keeps ~0.2 µs: the encoded time is within a microsecond of the HrTime
    expect(Math.abs(Number(decoded!.startNs - 1_764_000_000_123_456_789n))).toBeLessThan(1000);
    expect(Math.abs(Number(decoded!.endNs - 1_764_000_001_000_005_000n))).toBeLessThan(1000);
  });

  it('OtlpBatch: take() empties it for the next batch, and a span that fails to encode leaves no bytes behind', () => {
    const { ended, provider } = spans();
    const tracer = provider.getTracer('t');
    for (const name of ['a', 'b', 'c', 'd']) tracer.startSpan(name, { attributes: { name } }, ROOT_CONTEXT).end();
    const batch = new OtlpBatch();
    batch.add(ended[0]!);
    batch.add(ended[1]!);
    const first = decodeTraceExport(batch.take({ 'service.name': 's' }));
    expect(first.scopes.flatMap((sc) => sc.spans.map((sp) => sp.name))).toEqual(['a', 'b']);
    expect(batch.spans).toBe(0);
    // Fails after some of its fields are written: its events cannot be read.
    const broken = Object.create(ended[2]!, { events: { get: () => { throw new Error('unreadable'); } } }) as LeanSpan;
    batch.add(ended[2]!);
    expect(() => batch.add(broken)).toThrow('unreadable');
    batch.add(ended[3]!);
    expect(batch.spans).toBe(2);
    const second = decodeTraceExport(batch.take({ 'service.name': 's' }));
    expect(second.scopes.flatMap((sc) => sc.spans.map((sp) => [sp.name, sp.attributes.name]))).toEqual([['c', 'c'], ['d', 'd']]);
  });
});
