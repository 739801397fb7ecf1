/**
 * checkEnvoyObject: checks an Envoy-shaped plain object (YAML/JSON form, snake_case) field
 * by field against Envoy's API protos by protobufjs reflection, and converts the JSON forms
 * protobufjs does not read itself (Duration "1.5s", bare wrapper scalars, Struct objects)
 * into what it encodes. Every problem is reported with its field path: unknown field,
 * wrong type, bad enum value, two members of one oneof, a deprecated field, an Any whose
 * @type Envoy's protos do not know. No Envoy binary runs here, so this is what stands between a typo and prod.
 */
import * as protobuf from 'protobufjs';
import { lookupType } from './envoy-protos';

/** ValidationResult is a value, or every problem found with its field path (the control plane's shape too). */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

const INT_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const WRAPPERS: Record<string, string> = {
  '.google.protobuf.DoubleValue': 'double',
  '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.BoolValue': 'bool',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'bytes',
};

function toValue(v: unknown): Obj {
  if (v === null) return { null_value: 'NULL_VALUE' };
  if (typeof v === 'number') return { number_value: v };
  if (typeof v === 'string') return { string_value: v };
  if (typeof v === 'boolean') return { bool_value: v };
  if (Array.isArray(v)) return { list_value: { values: v.map(toValue) } };
  return { struct_value: toStruct(v as Obj) };
}
function toStruct(o: Obj): Obj {
  return { fields: Object.fromEntries(Object.entries(o).map(([k, v]) => [k, toValue(v)])) };
}

/**
 * Path is built lazily (a parent chain turned into text only when an error is reported):
 * the control plane checks every resource it emits, so the happy path must stay cheap.
 */
type Path = { readonly parent: Path; readonly key: string; readonly index: boolean } | undefined;
const child = (parent: Path, key: string, index = false): Path => ({ parent, key, index });
function pathText(p: Path): string {
  const parts: string[] = [];
  for (let n = p; n; n = n.parent) parts.push(n.index ? n.key : n.parent ? `.${n.key}` : n.key);
  return parts.reverse().join('');
}

class Walker {
  readonly errors: string[] = [];
  fail(path: Path, msg: string): undefined {
    this.errors.push(`${pathText(path) || '<root>'}: ${msg}`);
    return undefined;
  }

  scalar(kind: string, v: unknown, path: Path): unknown {
    if (kind === 'string') return typeof v === 'string' ? v : this.fail(path, `expected a string, got ${typeof v}`);
    if (kind === 'bool') return typeof v === 'boolean' ? v : this.fail(path, `expected true/false, got ${JSON.stringify(v)}`);
    if (kind === 'double' || kind === 'float') return typeof v === 'number' ? v : this.fail(path, `expected a number, got ${JSON.stringify(v)}`);
    if (INT_TYPES.has(kind)) {
      if (typeof v !== 'number' || !Number.isInteger(v)) return this.fail(path, `expected an integer, got ${JSON.stringify(v)}`);
      if (kind.startsWith('u') && v < 0) return this.fail(path, `expected an unsigned integer, got ${v}`);
      return v;
    }
    if (LONG_TYPES.has(kind)) return (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v)) ? v : this.fail(path, `expected an integer, got ${JSON.stringify(v)}`);
    if (kind === 'bytes') return typeof v === 'string' || Buffer.isBuffer(v) ? v : this.fail(path, 'expected base64 bytes');
    return this.fail(path, `unsupported scalar type ${kind}`);
  }

  value(field: protobuf.Field, v: unknown, path: Path): unknown {
    const rt = field.resolvedType;
    if (rt instanceof protobuf.Enum) {
      if (typeof v === 'string' && v in rt.values) return v;
      if (typeof v === 'number' && Object.values(rt.values).includes(v)) return v;
      return this.fail(path, `bad enum value ${JSON.stringify(v)} for ${rt.name} (one of ${Object.keys(rt.values).join(', ')})`);
    }
    if (rt instanceof protobuf.Type) return this.message(rt, v, path);
    return this.scalar(field.type, v, path);
  }

  message(type: protobuf.Type, v: unknown, path: Path): unknown {
    const full = type.fullName;
    if (full === '.google.protobuf.Duration') {
      if (typeof v === 'string') {
        const m = /^(-?\d+)(?:\.(\d{1,9}))?s$/.exec(v);
        if (!m) return this.fail(path, `bad duration ${JSON.stringify(v)} (use e.g. "1.5s")`);
        return { seconds: Number(m[1]), nanos: Number((m[2] ?? '').padEnd(9, '0')) * (m[1].startsWith('-') ? -1 : 1) };
      }
    }
    if (WRAPPERS[full] && !isObj(v)) return { value: this.scalar(WRAPPERS[full], v, path) };
    if (full === '.google.protobuf.Struct' && isObj(v) && !('fields' in v)) return toStruct(v);
    if (full === '.google.protobuf.Any') return this.any(v, path);
    if (!isObj(v)) return this.fail(path, `expected an object (${type.name}), got ${JSON.stringify(v)}`);
    const out: Obj = {};
    let oneofSeen: Map<string, string> | undefined;
    for (const [key, raw] of Object.entries(v)) {
      const p = child(path, key);
      const field = type.fields[key];
      if (!field) {
        this.fail(p, `unknown field in ${full.slice(1)}`);
        continue;
      }
      field.resolve();
      if (field.options?.deprecated) this.fail(p, `deprecated field of ${full.slice(1)} (Envoy may reject it; use its replacement)`);
      if (field.partOf) {
        oneofSeen ??= new Map();
        const other = oneofSeen.get(field.partOf.name);
        if (other) this.fail(p, `oneof ${field.partOf.name} already set by ${other}`);
        oneofSeen.set(field.partOf.name, key);
      }
      if (field.map) {
        if (!isObj(raw)) {
          this.fail(p, 'expected a map (object)');
          continue;
        }
        out[key] = Object.fromEntries(Object.entries(raw).map(([k, x]) => [k, this.value(field, x, child(p, `[${JSON.stringify(k)}]`, true))]));
      } else if (field.repeated) {
        if (!Array.isArray(raw)) {
          this.fail(p, 'expected a list');
          continue;
        }
        out[key] = raw.map((x, i) => this.value(field, x, child(p, `[${i}]`, true)));
      } else out[key] = this.value(field, raw, p);
    }
    return out;
  }

  any(v: unknown, path: Path): unknown {
    if (!isObj(v)) return this.fail(path, 'expected an Any object with "@type"');
    if ('type_url' in v && 'value' in v) return v; // already packed
    const url = v['@type'];
    if (typeof url !== 'string') return this.fail(path, 'Any without "@type"');
    const inner = lookupType(url);
    if (!inner) return this.fail(child(path, '@type'), `unknown type URL ${url} (not in Envoy's API protos)`);
    const { '@type': _t, ...rest } = v;
    const converted = this.message(inner, rest, path);
    return isObj(converted) ? { '@type': url, ...converted } : converted;
  }
}

/** checkEnvoyObject validates obj as message type `typeName` (e.g. envoy.config.bootstrap.v3.Bootstrap). */
export function checkEnvoyObject(typeName: string, obj: unknown): ValidationResult<Obj> {
  const type = lookupType(typeName);
  if (!type) return { ok: false, errors: [`unknown Envoy message type ${typeName}`] };
  const w = new Walker();
  const value = w.message(type, obj, undefined);
  return w.errors.length ? { ok: false, errors: w.errors } : { ok: true, value: value as Obj };
}
