/**
 * The registry's data model. A service instance is an ephemeral znode
 * <base>/services/<service>/<instance-id> holding Apache Curator x-discovery JSON
 * (CuratorInstance) with our metadata in `payload` (InstancePayload), so Java services
 * using Curator and mediamesh see each other. Discovery hands out ServiceInstance.
 */

/** One part of a Curator UriSpec. */
export interface UriSpecPart {
  readonly value: string;
  readonly variable: boolean;
}

/** CuratorInstance is the JSON Curator's JsonInstanceSerializer reads and writes. */
export interface CuratorInstance<P = unknown> {
  readonly name: string;
  readonly id: string;
  readonly address: string;
  readonly port: number | null;
  readonly sslPort: number | null;
  readonly payload: P | null;
  readonly registrationTimeUTC: number;
  readonly serviceType: 'DYNAMIC' | 'STATIC' | 'PERMANENT' | 'DYNAMIC_SEQUENTIAL';
  readonly uriSpec: { readonly parts: readonly UriSpecPart[] } | null;
}

/** InstanceHealth is the instance's own gRPC health. */
export type InstanceHealth = 'SERVING' | 'NOT_SERVING';

/** InstancePayload is mediamesh's metadata inside the Curator JSON. */
export interface InstancePayload {
  readonly version: string;
  readonly zone: string;
  readonly weight: number;
  readonly health: InstanceHealth;
  /** Fully qualified proto services served. */
  readonly services: readonly string[];
  /** ISO time the process started. */
  readonly startedAt: string;
}

/** ServiceInstance is one discovered instance (from mediamesh or any Curator client). */
export interface ServiceInstance {
  readonly service: string;
  readonly id: string;
  /** IP literal (or hostname for foreign registrations; xDS drops non-IP endpoints). */
  readonly address: string;
  readonly port: number;
  readonly version: string;
  readonly zone: string;
  readonly weight: number;
  readonly health: InstanceHealth;
  readonly protoServices: readonly string[];
  readonly startedAt?: string;
  readonly registrationTimeUTC: number;
  /** The raw payload (foreign registrations keep theirs here). */
  readonly payload: unknown;
}

/** RegistrySnapshot is every service's instances, by service name. */
export type RegistrySnapshot = ReadonlyMap<string, readonly ServiceInstance[]>;

/** ValidationResult is a value, or every problem found with its field path (validation never throws). */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** RegistryWatcher receives coalesced values (equal ones dropped); onError only before the first value. */
export interface RegistryWatcher<T> {
  onChanged(value: T): void;
  onError?(err: Error): void;
}
