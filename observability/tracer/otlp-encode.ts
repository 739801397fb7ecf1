/**
 * OtlpBatch / encodeTraceExport: an OTLP `ExportTraceServiceRequest` (opentelemetry/proto/collector/
 * trace/v1) in protobuf, written straight from ended LeanSpans: one ResourceSpans for this process,
 * one ScopeSpans per tracer. Field numbers are those of opentelemetry-proto v1 trace.proto/common.proto.
 */
import type { Attributes, AttributeValue, Link } from '@opentelemetry/api';
import type { InstrumentationScope, LeanSpan } from './lean-span';
import { ProtoWriter } from './proto-writer';
import { unixNanoWords } from './time';

// Span.flags: the W3C trace flags in the low byte, then "whether the parent is remote is known" and "it is".
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;

/** anyValue writes an AnyValue's fields: string 1, bool 2, int 3, double 4, array 5 (values 1). */
function anyValue(w: ProtoWriter, v: AttributeValue | null | undefined): void {
  if (typeof v === 'string') w.string(1, v);
  else if (typeof v === 'boolean') w.bool(2, v);
  else if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) w.int64(3, v);
    else w.double(4, v);
  } else if (Array.isArray(v)) {
    const array = w.begin(5);
    for (const x of v as readonly (string | number | boolean | null | undefined)[]) {
      const item = w.begin(1);
      anyValue(w, x);
      w.end(item);
    }
    w.end(array);
  }
}

/** attributes writes KeyValue messages (key 1, value 2) as repeated field `field`. */
function attributes(w: ProtoWriter, field: number, attrs: Attributes): void {
  for (const key in attrs) {
    const kv = w.begin(field);
    w.string(1, key);
    const value = w.begin(2);
    anyValue(w, attrs[key]);
    w.end(value);
    w.end(kv);
  }
}

function link(w: ProtoWriter, l: Link): void {
  const m = w.begin(13);
  w.hexBytes(1, l.context.traceId);
  w.hexBytes(2, l.context.spanId);
  const state = l.context.traceState?.serialize();
  if (state) w.string(3, state);
  if (l.attributes) attributes(w, 4, l.attributes);
  if (l.droppedAttributesCount) w.uint(5, l.droppedAttributesCount);
  w.fixed32(6, (l.context.traceFlags & 0xff) | FLAG_HAS_IS_REMOTE | (l.context.isRemote ? FLAG_IS_REMOTE : 0));
  w.end(m);
}

function span(w: ProtoWriter, s: LeanSpan): void {
  const m = w.begin(2);
  const sc = s.spanContext();
  w.hexBytes(1, sc.traceId);
  w.hexBytes(2, sc.spanId);
  const state = sc.traceState?.serialize();
  if (state) w.string(3, state);
  if (s.parent) w.hexBytes(4, s.parent.spanId);
  w.string(5, s.name);
  w.uint(6, s.kind + 1); // the API's INTERNAL is 0, OTLP's SPAN_KIND_INTERNAL 1
  w.fixed64(7, unixNanoWords(s.startMs));
  w.fixed64(8, unixNanoWords(s.endMs));
  attributes(w, 9, s.attributes);
  if (s.droppedAttributes) w.uint(10, s.droppedAttributes);
  for (const e of s.events ?? []) {
    const event = w.begin(11);
    w.fixed64(1, unixNanoWords(e.timeMs));
    w.string(2, e.name);
    attributes(w, 3, e.attributes);
    if (e.droppedAttributes) w.uint(4, e.droppedAttributes);
    w.end(event);
  }
  if (s.droppedEvents) w.uint(12, s.droppedEvents);
  for (const l of s.links ?? []) link(w, l);
  if (s.droppedLinks) w.uint(14, s.droppedLinks);
  if (s.status.code) {
    const status = w.begin(15);
    if (s.status.message) w.string(2, s.status.message);
    w.uint(3, s.status.code); // UNSET 0, OK 1, ERROR 2 in both
    w.end(status);
  }
  w.fixed32(16, (sc.traceFlags & 0xff) | (s.parent ? FLAG_HAS_IS_REMOTE | (s.parent.isRemote ? FLAG_IS_REMOTE : 0) : 0));
  w.end(m);
}

/**
 * OtlpBatch: spans encoded as they end, grouped by scope, until take() wraps them into one export
 * request. Encoding a span when it ends, while its data is still in the cache, lets the span object
 * die young: spans held in a queue for the batch delay (up to seconds) outlived two scavenges, were
 * promoted to the old generation and made the traced processes' garbage collector work for them.
 */
export class OtlpBatch {
  private readonly scopes = new Map<InstrumentationScope, ProtoWriter>();
  /** Spans added since the last take(). */
  spans = 0;

  /** add encodes one span; a span that fails to encode leaves nothing behind and throws. */
  add(s: LeanSpan): void {
    let w = this.scopes.get(s.scope);
    if (!w) this.scopes.set(s.scope, (w = new ProtoWriter(4 * 1024)));
    const before = w.length;
    try {
      span(w, s);
    } catch (err) {
      w.truncate(before);
      throw err;
    }
    this.spans++;
  }

  /** take returns the ExportTraceServiceRequest of every span added since the last take, and empties the batch. */
  take(resource: Attributes): Buffer {
    let bytes = 0;
    for (const w of this.scopes.values()) bytes += w.length;
    const out = new ProtoWriter(1024 + bytes + this.scopes.size * 64);
    const resourceSpans = out.begin(1);
    const res = out.begin(1);
    attributes(out, 1, resource);
    out.end(res);
    for (const [scope, w] of this.scopes) {
      if (!w.length) continue;
      const scopeSpans = out.begin(2);
      const sc = out.begin(1);
      out.string(1, scope.name);
      if (scope.version) out.string(2, scope.version);
      out.end(sc);
      out.raw(w.finish());
      out.end(scopeSpans);
      w.truncate(0);
    }
    out.end(resourceSpans);
    this.spans = 0;
    return out.finish();
  }
}

/** encodeTraceExport encodes one export request for this process's resource. */
export function encodeTraceExport(resource: Attributes, spans: readonly LeanSpan[]): Buffer {
  const batch = new OtlpBatch();
  for (const s of spans) batch.add(s);
  return batch.take(resource);
}
