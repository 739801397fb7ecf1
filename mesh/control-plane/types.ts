/**
 * Control-plane vocabulary: the mesh state translators read, the node groups they build
 * for, resources with content hashes, and ValidationResult (validation never throws).
 */
import type { ServiceInstance } from '../registry';
import type { AnyValue } from '../envoy-api';
import type { ServicePolicy } from './policy/types';

/** ValidationResult is a value, or every problem found with its field path (one home: mesh/envoy-api). */
export type { ValidationResult } from '../envoy-api';

/** ServiceState is one mesh service as translators see it. */
export interface ServiceState {
  readonly name: string;
  readonly instances: readonly ServiceInstance[];
  readonly policy: ServicePolicy;
}

/** MeshState is every service plus the clock (faults expire). */
export interface MeshState {
  readonly services: ReadonlyMap<string, ServiceState>;
  readonly now: number;
}

/** NodeRole: proxyless gRPC (api_listeners) or an Envoy sidecar (real listeners). */
export type NodeRole = 'proxyless' | 'envoy';

/**
 * NodeGroup is what makes one node's resources differ from another's: its role, its zone
 * (zone preference → per-zone EDS priorities) and, for Envoy, the local app behind it.
 * Nodes in one group share one snapshot.
 */
export interface NodeGroup {
  readonly key: string;
  readonly role: NodeRole;
  readonly zone: string;
  /** Envoy only: the service and port of the app this sidecar fronts (inbound listener). */
  readonly appService?: string;
  readonly appPort?: number;
  /** Envoy only: static cluster of the OTLP collector (tracing on when set). */
  readonly otelCluster?: string;
  /** Envoy only: where its listeners bind (node metadata; 127.0.0.1:15001 and 0.0.0.0:15006 by default). */
  readonly outboundPort?: number;
  readonly inboundAddress?: string;
  readonly inboundPort?: number;
}

/** MeshChange says what moved since the last build, so translators can skip work. */
export interface MeshChange {
  /** Services whose instances changed. */
  readonly instances: ReadonlySet<string>;
  /** Services whose policy changed (or a fault expired). */
  readonly policies: ReadonlySet<string>;
  /** True when services were added or removed (or a full rebuild is wanted). */
  readonly serviceSet: boolean;
}

/** Resource is one encoded xDS resource and a hash of its bytes (change detection). */
export interface Resource {
  readonly name: string;
  readonly any: AnyValue;
  readonly hash: string;
  /** The plain object it was built from (config dumps, the Envoy checker). */
  readonly object: Record<string, unknown>;
}

/** Translator builds one xDS type for one node group. */
export interface Translator {
  readonly typeUrl: string;
  /** needsPush tells whether a change can alter this type's resources for the group. */
  needsPush(change: MeshChange, group: NodeGroup): boolean;
  /** build returns the resources (plain Envoy-shaped objects, snake_case) by name. */
  build(state: MeshState, group: NodeGroup): Array<{ name: string; object: Record<string, unknown> }>;
}
