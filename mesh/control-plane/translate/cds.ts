/**
 * CDS translator: one EDS cluster per service and per version subset, carrying the
 * service's lb policy, circuit breaker and outlier detection. Envoy sidecars also get
 * HTTP/2 upstreams and a static cluster for their local app.
 */
import { TYPE_URL } from '../../envoy-api';
import type { OutlierPolicy } from '../policy/types';
import type { MeshChange, MeshState, NodeGroup, ServiceState, Translator } from '../types';
import { duration, inboundClusterName, meshClusters } from './names';
import { ENVOY_CONNECTION_BUFFER_BYTES } from './envoy-buffers';

const HTTP2_OPTIONS = {
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
    '@type': TYPE_URL.httpProtocolOptions,
    explicit_http_config: { http2_protocol_options: {} },
  },
};

/** UNCAPPED: the largest uint32, Envoy's "no limit" for a circuit-breaker threshold. */
const UNCAPPED = 4_294_967_295;

function outlier(o: OutlierPolicy): Record<string, unknown> {
  // gRPC clients honour only success-rate and failure-percentage ejection; we use the latter.
  return {
    interval: duration(o.intervalMs ?? 1000),
    base_ejection_time: duration(o.baseEjectionMs ?? 30_000),
    max_ejection_percent: { value: o.maxEjectionPercent ?? 50 },
    enforcing_success_rate: { value: 0 },
    failure_percentage_threshold: { value: o.failurePercentThreshold ?? 50 },
    enforcing_failure_percentage: { value: 100 },
    failure_percentage_minimum_hosts: { value: o.minimumHosts ?? 3 },
    failure_percentage_request_volume: { value: o.requestVolume ?? 20 },
  };
}

/** buildCluster is one EDS cluster of a service (policy applied). */
export function buildCluster(name: string, svc: ServiceState, group: NodeGroup): Record<string, unknown> {
  const p = svc.policy;
  const cluster: Record<string, unknown> = {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: name },
    connect_timeout: '5s',
    lb_policy: p.lb?.policy === 'ring_hash' ? 'RING_HASH' : 'ROUND_ROBIN',
  };
  if (p.lb?.policy === 'ring_hash') cluster.ring_hash_lb_config = { hash_function: 'XX_HASH', minimum_ring_size: 1024 };
  const threshold: Record<string, unknown> = { priority: 'DEFAULT' };
  if (p.circuitBreaker) {
    const { maxRequests, maxPendingRequests } = p.circuitBreaker;
    Object.assign(threshold, { max_requests: { value: maxRequests }, ...(maxPendingRequests ? { max_pending_requests: { value: maxPendingRequests } } : {}) });
  }
  // Envoy lets 3 retries be in flight per cluster unless told otherwise and fails the calls past
  // that unretried: a burst meeting a dead instance (a zone outage's first second) lost most of its
  // retries. Each call's retries are bounded by its route's retry policy already, and gRPC clients
  // cap nothing here either (Istio lifts the cap the same way).
  if (group.role === 'envoy') threshold.max_retries = { value: UNCAPPED };
  if (Object.keys(threshold).length > 1) cluster.circuit_breakers = { thresholds: [threshold] };
  if (p.outlierDetection) cluster.outlier_detection = outlier(p.outlierDetection);
  if (group.role === 'envoy') Object.assign(cluster, { typed_extension_protocol_options: HTTP2_OPTIONS, per_connection_buffer_limit_bytes: { value: ENVOY_CONNECTION_BUFFER_BYTES } });
  return cluster;
}

function inboundCluster(port: number): Record<string, unknown> {
  const name = inboundClusterName(port);
  return {
    name,
    type: 'STATIC',
    connect_timeout: '1s',
    typed_extension_protocol_options: HTTP2_OPTIONS,
    per_connection_buffer_limit_bytes: { value: ENVOY_CONNECTION_BUFFER_BYTES },
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } }] }] },
  };
}

/** cdsTranslator builds the Cluster resources. */
export const cdsTranslator: Translator = {
  typeUrl: TYPE_URL.cluster,
  // Envoy keeps a subset cluster per running version (names.ts subsetVersions): instances matter to it.
  needsPush: (change: MeshChange, group: NodeGroup) => change.serviceSet || change.policies.size > 0 || (group.role === 'envoy' && change.instances.size > 0),
  build(state: MeshState, group: NodeGroup) {
    const out = meshClusters(state, group.role).map((c) => ({ name: c.name, object: buildCluster(c.name, c.service, group) }));
    if (group.role === 'envoy' && group.appPort) out.push({ name: inboundClusterName(group.appPort), object: inboundCluster(group.appPort) });
    return out;
  },
};
