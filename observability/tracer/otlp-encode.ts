/**
 * encodeTraceExport: an OTLP `ExportTraceServiceRequest` (opentelemetry/proto/collector/trace/v1)
 * in protobuf, written straight from ended LeanSpans: one ResourceSpans for this process, one
 * ScopeSpans per tracer. Field numbers are those of opentelemetry-proto v1 trace.proto/common.proto.
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

/** encodeTraceExport encodes one export request for this process's resource. */
export function encodeTraceExport(resource: Attributes, spans: readonly LeanSpan[]): Buffer {
  const byScope = new Map<InstrumentationScope, LeanSpan[]>();
  for (const s of spans) {
    const list = byScope.get(s.scope);
    if (list) list.push(s);
    else byScope.set(s.scope, [s]);
  }
  const w = new ProtoWriter(1024 + spans.length * 400);
  const resourceSpans = w.begin(1);
  const res = w.begin(1);
  attributes(w, 1, resource);
  w.end(res);
  for (const [scope, list] of byScope) {
    const scopeSpans = w.begin(2);
    const sc = w.begin(1);
    w.string(1, scope.name);
    if (scope.version) w.string(2, scope.version);
    w.end(sc);
    for (const s of list) span(w, s);
    w.end(scopeSpans);
  }
  w.end(resourceSpans);
  return w.finish();
}
