/**
 * pack / unpack: google.protobuf.Any of Envoy resources. pack runs every resource through
 * the field-by-field check first, so a typo fails here and not in a client.
 */
import { lookupType, typeNameOf } from './envoy-protos';
import { checkEnvoyObject } from './schema-check';

/** AnyValue is google.protobuf.Any as proto-loader (keepCase, no json) encodes it. */
export interface AnyValue {
  readonly type_url: string;
  readonly value: Buffer;
}

/**
 * pack encodes a plain object (Envoy JSON shape, snake_case, nested Any as {'@type': …},
 * durations as "1.5s") into an Any, after checkEnvoyObject has checked and converted it.
 */
export function pack(typeUrl: string, obj: Record<string, unknown>): AnyValue {
  const T = lookupType(typeUrl);
  if (!T) throw new Error(`unknown Envoy type ${typeUrl}`);
  const checked = checkEnvoyObject(typeUrl, obj);
  if (!checked.ok) throw new Error(`${typeNameOf(typeUrl)} ${String(obj.name ?? obj.cluster_name ?? '')}: ${checked.errors.join('; ')}`);
  return { type_url: typeUrl, value: Buffer.from(T.encode(T.fromObject(checked.value)).finish()) };
}

/** unpack decodes an Any back into JSON (for config dumps). */
export function unpack(any: AnyValue): Record<string, unknown> {
  const T = lookupType(any.type_url);
  if (!T) return { '@type': any.type_url, undecodable: true };
  const msg = T.decode(any.value);
  return { '@type': any.type_url, ...T.toObject(msg, { enums: String, longs: Number, json: true, defaults: false }) };
}
