/**
 * Resource names. The mesh service `image` is listener, route configuration and cluster
 * `image` for proxyless clients (`xds:///image`); a version subset is cluster `image|v2`.
 * Envoy sidecars get the fixed listeners/routes below plus `inbound|<port>` for their app.
 */
import type { MeshState, NodeRole, ServiceState } from '../types';

export const ENVOY_OUTBOUND = 'outbound';
export const ENVOY_INBOUND = 'inbound';
export { ENVOY_INBOUND_PORT, ENVOY_OUTBOUND_PORT } from '../../envoy-api';
export const FAULT_FILTER = 'envoy.filters.http.fault';
export const ROUTER_FILTER = 'envoy.filters.http.router';

/** clusterName is the cluster (and EDS service name) of a service or one version subset. */
export function clusterName(service: string, version?: string): string {
  return version ? `${service}|${version}` : service;
}

/** inboundClusterName is an Envoy sidecar's cluster for its local app. */
export function inboundClusterName(port: number): string {
  return `inbound|${port}`;
}

/**
 * subsetVersions lists the versions a service's policy routes to (canary subsets and header routes).
 * Envoy also gets a subset for every version its instances run: a SotW CDS response without a cluster
 * removes it at once, before the route update that stops naming it has arrived, so a canary promoted
 * or rolled back would fail the calls in between with "cluster not found". Kept while its instances
 * run (when the service runs several versions or its policy names any), a version's cluster is there
 * before any route names it and after the last route stops.
 */
export function subsetVersions(svc: ServiceState, role: NodeRole = 'proxyless'): string[] {
  const out = new Set<string>();
  for (const s of svc.policy.subsets ?? []) out.add(s.version);
  for (const r of svc.policy.headerRoutes ?? []) out.add(r.version);
  const running = new Set(svc.instances.map((i) => i.version));
  // A service running one version with no subsets in its policy needs no subset cluster at all.
  if (role === 'envoy' && (out.size > 0 || running.size > 1)) for (const v of running) out.add(v);
  return [...out].sort();
}

/** meshClusters lists every mesh cluster (service and subsets) with what it selects. */
export function meshClusters(state: MeshState, role: NodeRole = 'proxyless'): Array<{ name: string; service: ServiceState; version?: string }> {
  const out: Array<{ name: string; service: ServiceState; version?: string }> = [];
  for (const svc of sortedServices(state)) {
    out.push({ name: clusterName(svc.name), service: svc });
    for (const v of subsetVersions(svc, role)) out.push({ name: clusterName(svc.name, v), service: svc, version: v });
  }
  return out;
}

/** sortedServices gives services in name order so builds are deterministic. */
export function sortedServices(state: MeshState): ServiceState[] {
  return [...state.services.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** duration formats milliseconds as a protobuf Duration JSON string. */
export function duration(ms: number): string {
  return `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}

