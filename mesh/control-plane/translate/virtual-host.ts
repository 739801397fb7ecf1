/**
 * virtualHost builds one service's virtual host: header routes to version subsets first,
 * then the default route (one cluster, or weighted subsets for a canary), with retries,
 * timeout (max_stream_duration: the only timeout gRPC honours), ring-hash key and the
 * fault filter's per-host config. Proxyless and Envoy nodes share it.
 */
import type { ServicePolicy } from '../policy/types';
import { activeFault, faultConfig } from './fault';
import type { NodeRole, ServiceState } from '../types';
import { clusterName, duration, FAULT_FILTER } from './names';
import { envoyRetryPolicy } from './envoy-retry';
import { ENVOY_RETRY_BUFFER_BYTES } from './envoy-buffers';

function routeAction(svc: ServiceState, target: Record<string, unknown>, role: NodeRole): Record<string, unknown> {
  const p: ServicePolicy = svc.policy;
  const action: Record<string, unknown> = { ...target };
  if (p.lb?.policy === 'ring_hash' && p.lb.hashHeader) action.hash_policy = [{ header: { header_name: p.lb.hashHeader } }];
  if (role === 'envoy') action.retry_policy = envoyRetryPolicy(p.retry);
  else if (p.retry) {
    const retry: Record<string, unknown> = { retry_on: p.retry.on.join(','), num_retries: { value: p.retry.attempts } };
    if (p.retry.backoffBaseMs) retry.retry_back_off = { base_interval: duration(p.retry.backoffBaseMs), ...(p.retry.backoffMaxMs ? { max_interval: duration(p.retry.backoffMaxMs) } : {}) };
    action.retry_policy = retry;
  }
  if (p.timeoutMs) action.max_stream_duration = { max_stream_duration: duration(p.timeoutMs) };
  // Envoy's route timeout defaults to 15 s and would cut streams: turn it off, rely on max_stream_duration.
  if (role === 'envoy') action.timeout = '0s';
  return action;
}

function defaultTarget(svc: ServiceState): Record<string, unknown> {
  const subsets = (svc.policy.subsets ?? []).filter((s) => s.weight > 0);
  if (subsets.length === 0) return { cluster: clusterName(svc.name) };
  if (subsets.length === 1) return { cluster: clusterName(svc.name, subsets[0].version) };
  return { weighted_clusters: { clusters: subsets.map((s) => ({ name: clusterName(svc.name, s.version), weight: { value: s.weight } })) } };
}

/** buildRoutes lists a service's routes; `match` is the base match (prefix "" or a gRPC path prefix). */
export function buildRoutes(svc: ServiceState, role: NodeRole, match: Record<string, unknown> = { prefix: '' }): Record<string, unknown>[] {
  const routes: Record<string, unknown>[] = [];
  for (const r of svc.policy.headerRoutes ?? []) {
    const header = r.exact === undefined ? { name: r.header, present_match: true } : { name: r.header, string_match: { exact: r.exact } };
    routes.push({ match: { ...match, headers: [header] }, route: routeAction(svc, { cluster: clusterName(svc.name, r.version) }, role) });
  }
  routes.push({ match, route: routeAction(svc, defaultTarget(svc), role) });
  return routes;
}

/** virtualHost is the service's virtual host, matched by authority (`image`, `image:<port>`). */
export function virtualHost(svc: ServiceState, role: NodeRole, now: number): Record<string, unknown> {
  const vh: Record<string, unknown> = { name: svc.name, domains: [svc.name, `${svc.name}:*`], routes: buildRoutes(svc, role) };
  if (role === 'envoy') vh.per_request_buffer_limit_bytes = { value: ENVOY_RETRY_BUFFER_BYTES };
  const fault = activeFault(svc.policy.fault, now);
  if (fault) vh.typed_per_filter_config = { [FAULT_FILTER]: faultConfig(fault) };
  return vh;
}
