/**
 * StreamState: one ADS stream's node, group and, per type, the subscription, the nonce of
 * the last response, what it carried and whether the client ACKed or NACKed it. Keyed
 * per stream, not per node id: one gRPC process may open several streams (istio#53532).
 */
import type { NodeGroup, Resource } from './types';

/** TypeStatus of one type on one stream, as the status page shows it. */
export type TypeStatus = 'REQUESTED' | 'ACKED' | 'NACKED' | 'STALE';

/** TypeState is a stream's bookkeeping for one type URL. */
export interface TypeState {
  names: Set<string>;
  wildcard: boolean;
  /** Nonce of the last response sent; requests quoting another nonce are stale and ignored. */
  lastNonce?: string;
  /** Version and resources of the last response sent. */
  sentVersion?: string;
  sent?: Map<string, string>;
  sentResources?: readonly Resource[];
  /** True once the last response was ACKed or NACKed. */
  answered: boolean;
  ackedVersion?: string;
  nackedVersion?: string;
  /** error_detail.message of the last NACK. */
  error?: string;
  cancel?: () => void;
  /** Envoy: a listener/route response held back until the clusters it needs are in place. */
  deferred?: () => void;
}

/** NodeInfo is what a stream's first request said about its node. */
export interface NodeInfo {
  readonly id: string;
  readonly cluster: string;
  readonly zone: string;
  readonly userAgent: string;
  readonly metadata: Record<string, string>;
}

/** StreamState is one ADS stream. */
export interface StreamState {
  readonly id: number;
  readonly peer: string;
  readonly openedAt: number;
  node?: NodeInfo;
  group?: NodeGroup;
  nonce: number;
  readonly types: Map<string, TypeState>;
}

/** typeStatus summarises one type: NACKED with its error, STALE while an answer is awaited, else ACKED. */
export function typeStatus(t: TypeState): TypeStatus {
  if (t.sentVersion === undefined) return 'REQUESTED';
  if (!t.answered) return 'STALE';
  return t.nackedVersion !== undefined ? 'NACKED' : 'ACKED';
}

/** structToStrings flattens a protobuf Struct (proto-loader shape) into string values. */
export function structToStrings(struct: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = (struct as { fields?: Record<string, Record<string, unknown>> } | null)?.fields ?? {};
  for (const [k, v] of Object.entries(fields)) {
    const kind = v.kind as string | undefined;
    const value = kind ? v[kind] : (v.string_value ?? v.number_value ?? v.bool_value);
    if (value !== undefined && value !== null && typeof value !== 'object') out[k] = String(value);
  }
  return out;
}

/** nodeInfoOf reads a DiscoveryRequest's node (proto-loader shape, keepCase). */
export function nodeInfoOf(node: Record<string, unknown>): NodeInfo {
  const locality = (node.locality as { zone?: string } | null) ?? {};
  return {
    id: String(node.id ?? ''),
    cluster: String(node.cluster ?? ''),
    zone: locality.zone ?? '',
    userAgent: String(node.user_agent_name ?? ''),
    metadata: structToStrings(node.metadata),
  };
}
