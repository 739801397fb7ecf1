/**
 * Curator x-discovery JSON, both ways. encodeInstance writes exactly the nine fields Curator
 * 5.x writes in its default (compatible) mode, no `enabled`, with our metadata in `payload`
 * tagged `"@class": "java.util.LinkedHashMap"`: Curator's payload field is
 * `@JsonTypeInfo(use = CLASS)`, so a Java reader whose payloadClass is Map (or Object) gets a
 * plain map. decodeInstance validates what any writer put in a znode and collects every
 * problem with its field path; foreign payloads keep their fields in `payload`.
 */
import type { InstanceInfo } from '../../core/hooks';
import type { CuratorInstance, InstanceHealth, InstancePayload, ServiceInstance, UriSpecPart, ValidationResult } from './types';

/** PAYLOAD_CLASS is the Java class named in our payload's "@class". */
export const PAYLOAD_CLASS = 'java.util.LinkedHashMap';

/** DEFAULT_URI_SPEC is `{scheme}://{address}:{port}`, what Spring Cloud Zookeeper writes. */
export const DEFAULT_URI_SPEC: { parts: UriSpecPart[] } = {
  parts: [
    { value: 'scheme', variable: true },
    { value: '://', variable: false },
    { value: 'address', variable: true },
    { value: ':', variable: false },
    { value: 'port', variable: true },
  ],
};

/** WirePayload is InstancePayload as written, with Jackson's type tag first. */
export type WirePayload = { '@class': string } & InstancePayload;

/** toCuratorInstance builds the JSON object of a mediamesh instance. */
export function toCuratorInstance(info: InstanceInfo, health: InstanceHealth, registrationTimeUTC: number): CuratorInstance<WirePayload> {
  return {
    name: info.service,
    id: info.instanceId,
    address: info.address,
    port: info.port,
    sslPort: null,
    payload: {
      '@class': PAYLOAD_CLASS,
      version: info.version,
      zone: info.zone,
      weight: info.weight,
      health,
      services: [...info.protoServices],
      startedAt: info.startedAt,
    },
    registrationTimeUTC,
    serviceType: 'DYNAMIC',
    uriSpec: DEFAULT_URI_SPEC,
  };
}

/** encodeInstance is toCuratorInstance as znode bytes. */
export function encodeInstance(info: InstanceInfo, health: InstanceHealth, registrationTimeUTC: number): Buffer {
  return Buffer.from(JSON.stringify(toCuratorInstance(info, health, registrationTimeUTC)));
}

/** DecodeResult: an instance, `disabled` (Curator `enabled: false`, skipped like Curator does), or errors. */
export type DecodeResult = ValidationResult<ServiceInstance | 'disabled'>;

const SERVICE_TYPES = ['DYNAMIC', 'STATIC', 'PERMANENT', 'DYNAMIC_SEQUENTIAL'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;

/**
 * decodeInstance reads the znode `<service>/<node>`. Curator's DYNAMIC_SEQUENTIAL nodes are
 * named `<id><10 digits>`, so the node name may extend the id but must start with it.
 */
export function decodeInstance(service: string, node: string, bytes: Buffer): DecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, errors: [`(root): not JSON (${(err as Error).message})`] };
  }
  if (!isObject(json)) return { ok: false, errors: ['(root): expected a JSON object'] };
  const errors: string[] = [];
  const { name, id, address, port, sslPort, registrationTimeUTC, serviceType, payload, enabled } = json;
  if (typeof name !== 'string') errors.push('name: expected a string');
  else if (name !== service) errors.push(`name: "${name}" does not match the service folder "${service}"`);
  if (typeof id !== 'string' || id === '') errors.push('id: expected a non-empty string');
  else if (!node.startsWith(id)) errors.push(`id: "${id}" does not match the znode name "${node}"`);
  if (typeof address !== 'string' || address === '') errors.push('address: expected a non-empty string');
  if (port !== null && port !== undefined && !isPort(port)) errors.push('port: expected an integer from 1 to 65535 or null');
  if (sslPort !== null && sslPort !== undefined && !isPort(sslPort)) errors.push('sslPort: expected an integer from 1 to 65535 or null');
  if ((port ?? null) === null && (sslPort ?? null) === null) errors.push('port: neither port nor sslPort is set');
  if (registrationTimeUTC !== undefined && (typeof registrationTimeUTC !== 'number' || !Number.isFinite(registrationTimeUTC)))
    errors.push('registrationTimeUTC: expected epoch milliseconds');
  if (serviceType !== undefined && !SERVICE_TYPES.includes(serviceType as string)) errors.push(`serviceType: expected one of ${SERVICE_TYPES.join(', ')}`);
  if (enabled !== undefined && typeof enabled !== 'boolean') errors.push('enabled: expected a boolean');
  const meta = decodePayload(payload, errors);
  if (errors.length > 0) return { ok: false, errors };
  if (enabled === false) return { ok: true, value: 'disabled' };
  return {
    ok: true,
    value: {
      service,
      id: id as string,
      address: address as string,
      port: (isPort(port) ? port : sslPort) as number,
      ...meta,
      registrationTimeUTC: (registrationTimeUTC as number | undefined) ?? 0,
      payload: payload ?? null,
    },
  };
}

type PayloadMeta = Pick<ServiceInstance, 'version' | 'zone' | 'weight' | 'health' | 'protoServices' | 'startedAt'>;

/**
 * decodePayload reads our metadata from a payload. A foreign payload (another class, a
 * string, null) is fine: defaults apply. Our own fields, when present, must be well typed.
 */
function decodePayload(payload: unknown, errors: string[]): PayloadMeta {
  const meta: { -readonly [K in keyof PayloadMeta]: PayloadMeta[K] } = { version: '', zone: '', weight: 1, health: 'SERVING', protoServices: [] };
  if (!isObject(payload)) return meta;
  const { version, zone, weight, health, services, startedAt } = payload;
  if (version !== undefined) typeof version === 'string' ? (meta.version = version) : errors.push('payload.version: expected a string');
  if (zone !== undefined) typeof zone === 'string' ? (meta.zone = zone) : errors.push('payload.zone: expected a string');
  if (weight !== undefined) {
    if (Number.isInteger(weight) && (weight as number) >= 1 && (weight as number) <= 1000) meta.weight = weight as number;
    else errors.push('payload.weight: expected an integer from 1 to 1000');
  }
  if (health !== undefined) {
    if (health === 'SERVING' || health === 'NOT_SERVING') meta.health = health;
    else errors.push('payload.health: expected SERVING or NOT_SERVING');
  }
  if (services !== undefined) {
    if (!Array.isArray(services)) errors.push('payload.services: expected an array of strings');
    else
      services.forEach((s, i) => {
        if (typeof s !== 'string') errors.push(`payload.services[${i}]: expected a string`);
      });
    if (Array.isArray(services) && services.every((s) => typeof s === 'string')) meta.protoServices = services as string[];
  }
  if (startedAt !== undefined) typeof startedAt === 'string' ? (meta.startedAt = startedAt) : errors.push('payload.startedAt: expected a string');
  return meta;
}
