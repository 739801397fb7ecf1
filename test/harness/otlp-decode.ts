/**
 * decodeTraceExport: reads an OTLP ExportTraceServiceRequest (protobuf) back into plain objects,
 * for tests of the lean tracer's encoder and exporter. Written from opentelemetry-proto's
 * trace.proto and common.proto field numbers with @bufbuild/protobuf's reader, independently of
 * observability/tracer/otlp-encode.ts; unknown fields are skipped like any protobuf reader would.
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

export type Value = string | boolean | number | bigint | Value[] | undefined;

export interface DecodedEvent {
  name: string;
  timeNs: bigint;
  attributes: Record<string, Value>;
  droppedAttributes: number;
}

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  traceState: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, Value>;
  droppedAttributes: number;
  events: DecodedEvent[];
  droppedEvents: number;
  links: { traceId: string; spanId: string; attributes: Record<string, Value>; flags: number }[];
  status: { code: number; message: string };
  flags: number;
}

export interface DecodedExport {
  resource: Record<string, Value>;
  scopes: { name: string; version: string; spans: DecodedSpan[] }[];
}

/** referenceNanos: epoch ms to OTLP nanoseconds in BigInt arithmetic (the encoder avoids BigInt). */
export function referenceNanos(ms: number): bigint {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6));
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** fields calls each(field, wireType, reader) for every field of the message in bytes. */
function fields(bytes: Uint8Array, each: (field: number, wire: WireType, r: BinaryReader) => boolean): void {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (!each(field, wire, r)) r.skip(wire);
  }
}

function anyValue(bytes: Uint8Array): Value {
  let v: Value;
  fields(bytes, (f, _w, r) => {
    if (f === 1) v = r.string();
    else if (f === 2) v = r.bool();
    else if (f === 3) v = BigInt(r.int64());
    else if (f === 4) v = r.double();
    else if (f === 5) {
      const items: Value[] = [];
      fields(r.bytes(), (g, _x, rr) => (g === 1 ? (items.push(anyValue(rr.bytes())), true) : false));
      v = items;
    } else return false;
    return true;
  });
  return typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function keyValue(bytes: Uint8Array, into: Record<string, Value>): void {
  let key = '';
  let value: Value;
  fields(bytes, (f, _w, r) => {
    if (f === 1) key = r.string();
    else if (f === 2) value = anyValue(r.bytes());
    else return false;
    return true;
  });
  into[key] = value;
}

function span(bytes: Uint8Array): DecodedSpan {
  const s: DecodedSpan = {
    traceId: '',
    spanId: '',
    traceState: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startNs: 0n,
    endNs: 0n,
    attributes: {},
    droppedAttributes: 0,
    events: [],
    droppedEvents: 0,
    links: [],
    status: { code: 0, message: '' },
    flags: 0,
  };
  fields(bytes, (f, _w, r) => {
    switch (f) {
      case 1: s.traceId = hex(r.bytes()); break;
      case 2: s.spanId = hex(r.bytes()); break;
      case 3: s.traceState = r.string(); break;
      case 4: s.parentSpanId = hex(r.bytes()); break;
      case 5: s.name = r.string(); break;
      case 6: s.kind = r.int32(); break;
      case 7: s.startNs = BigInt(r.fixed64()); break;
      case 8: s.endNs = BigInt(r.fixed64()); break;
      case 9: keyValue(r.bytes(), s.attributes); break;
      case 10: s.droppedAttributes = r.uint32(); break;
      case 11: {
        const e: DecodedEvent = { name: '', timeNs: 0n, attributes: {}, droppedAttributes: 0 };
        fields(r.bytes(), (g, _x, rr) => {
          if (g === 1) e.timeNs = BigInt(rr.fixed64());
          else if (g === 2) e.name = rr.string();
          else if (g === 3) keyValue(rr.bytes(), e.attributes);
          else if (g === 4) e.droppedAttributes = rr.uint32();
          else return false;
          return true;
        });
        s.events.push(e);
        break;
      }
      case 12: s.droppedEvents = r.uint32(); break;
      case 13: {
        const l = { traceId: '', spanId: '', attributes: {} as Record<string, Value>, flags: 0 };
        fields(r.bytes(), (g, _x, rr) => {
          if (g === 1) l.traceId = hex(rr.bytes());
          else if (g === 2) l.spanId = hex(rr.bytes());
          else if (g === 4) keyValue(rr.bytes(), l.attributes);
          else if (g === 6) l.flags = rr.fixed32();
          else return false;
          return true;
        });
        s.links.push(l);
        break;
      }
      case 15:
        fields(r.bytes(), (g, _x, rr) => {
          if (g === 2) s.status.message = rr.string();
          else if (g === 3) s.status.code = rr.int32();
          else return false;
          return true;
        });
        break;
      case 16: s.flags = r.fixed32(); break;
      default: return false;
    }
    return true;
  });
  return s;
}

export function decodeTraceExport(bytes: Uint8Array): DecodedExport {
  const out: DecodedExport = { resource: {}, scopes: [] };
  fields(bytes, (f, _w, r) => {
    if (f !== 1) return false;
    fields(r.bytes(), (g, _x, rs) => {
      if (g === 1) fields(rs.bytes(), (h, _y, rr) => (h === 1 ? (keyValue(rr.bytes(), out.resource), true) : false));
      else if (g === 2) {
        const scope = { name: '', version: '', spans: [] as DecodedSpan[] };
        fields(rs.bytes(), (h, _y, rr) => {
          if (h === 1) fields(rr.bytes(), (i, _z, q) => (i === 1 ? ((scope.name = q.string()), true) : i === 2 ? ((scope.version = q.string()), true) : false));
          else if (h === 2) scope.spans.push(span(rr.bytes()));
          else return false;
          return true;
        });
        out.scopes.push(scope);
      } else return false;
      return true;
    });
    return true;
  });
  return out;
}
