/**
 * ServicePolicy: the traffic policy of one mesh service, stored as JSON at
 * /mediamesh/policy/<service> and seeded from YAML (deploy/mesh-policy.example.yaml).
 * Field names are camelCase; durations are milliseconds; percentages 0–100.
 */

/** Subset: the instances of one version, and its share of traffic (canary). */
export interface SubsetPolicy {
  readonly version: string;
  readonly weight: number;
}

/** HeaderRoute sends calls whose header matches to one version subset. */
export interface HeaderRoute {
  readonly header: string;
  /** Exact value; absent = the header only has to be present. */
  readonly exact?: string;
  readonly version: string;
}

export interface RetryPolicy {
  /** gRPC codes in grpc-js spelling: unavailable, cancelled, deadline-exceeded, internal, resource-exhausted. */
  readonly on: readonly string[];
  readonly attempts: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Envoy only (gRPC clients have no per-try timeout): an attempt slower than this is abandoned and retried. */
  readonly perTryTimeoutMs?: number;
}

/** CircuitBreakerPolicy: limits per caller on one service's cluster; calls beyond them fail at once (UNAVAILABLE). */
export interface CircuitBreakerPolicy {
  readonly maxRequests: number;
  /** Envoy only: requests waiting for a connection (gRPC clients honour max requests only). */
  readonly maxPendingRequests?: number;
}

export interface FaultPolicy {
  readonly delay?: { readonly ms: number; readonly percent: number };
  readonly abort?: { readonly grpcStatus: number; readonly percent: number };
  /** ISO time after which the fault is dropped. */
  readonly expiresAt?: string;
}

export interface OutlierPolicy {
  readonly intervalMs?: number;
  readonly baseEjectionMs?: number;
  readonly maxEjectionPercent?: number;
  /** Eject an instance whose failure percentage is at or above this. */
  readonly failurePercentThreshold?: number;
  readonly minimumHosts?: number;
  readonly requestVolume?: number;
}

export interface ServicePolicy {
  readonly lb?: { readonly policy: 'round_robin' | 'ring_hash'; readonly hashHeader?: string };
  readonly subsets?: readonly SubsetPolicy[];
  readonly headerRoutes?: readonly HeaderRoute[];
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly fault?: FaultPolicy;
  readonly outlierDetection?: OutlierPolicy;
  readonly circuitBreaker?: CircuitBreakerPolicy;
  /** Prefer instances in the caller's zone; other zones only when it has none healthy. */
  readonly zonePreference?: boolean;
  /**
   * With zonePreference, the percentage of calls (0–50) that go to the other zones while the
   * caller's zone is healthy, so that their instances stay warm for a failover: connected, their
   * caches filled, their code compiled. 0 (the default): other zones get no calls until then, and
   * the first calls of a zone outage meet cold instances.
   */
  readonly crossZonePercent?: number;
  /** The stable version `mediamesh canary --rollback` returns to (kept by the CLI across canary steps). */
  readonly rollbackVersion?: string;
}

/** RETRY_CODES are the retry_on conditions gRPC clients honour. */
export const RETRY_CODES = ['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'] as const;
