/**
 * What a running Envoy holds, read from its admin interface (`/config_dump?include_eds` and
 * `/clusters?format=json`) and set beside what the control plane last sent it (the control
 * plane's `/config_dump?node=`): clusters, endpoints with their health as Envoy sees it (EDS
 * status, outlier ejection, active health check), listeners and routes, each type with the
 * version Envoy holds, and whether that is what the control plane sent. `mediamesh proxy-config`
 * prints it (in the spirit of `istioctl proxy-config`).
 */

/** ProxyEndpoint is one host of a cluster. */
export interface ProxyEndpoint {
  readonly address: string;
  readonly zone: string;
  readonly priority: number;
  /** HEALTHY, or why Envoy does not send to it (EDS status, outlier ejection, failed health check). */
  readonly health: string;
  readonly weight: number;
}

export interface ProxyCluster {
  readonly name: string;
  /** The EDS resource its endpoints come from (EDS clusters only). */
  readonly edsName?: string;
  readonly type: string;
  readonly lbPolicy: string;
  readonly endpoints: ProxyEndpoint[];
}

export interface ProxyListener {
  readonly name: string;
  readonly address: string;
  readonly routeConfig?: string;
  /** Envoy's error when the last update of this listener was rejected. */
  readonly error?: string;
}

export interface ProxyRoute {
  readonly config: string;
  readonly virtualHost: string;
  readonly domains: string[];
  readonly match: string;
  readonly to: string;
}

/**
 * ProxyConfig is one Envoy's dynamic configuration. versions: the last CDS and LDS version Envoy
 * applied; for RDS the version each route configuration last changed in; none for EDS (Envoy's
 * dump carries no version for endpoints: they are compared by content).
 */
export interface ProxyConfig {
  readonly versions: Record<'CDS' | 'EDS' | 'LDS' | 'RDS', string[]>;
  readonly names: Record<'CDS' | 'EDS' | 'LDS' | 'RDS', string[]>;
  readonly clusters: ProxyCluster[];
  readonly listeners: ProxyListener[];
  readonly routes: ProxyRoute[];
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const section = (dump: Obj, type: string): Obj => (dump.configs as Obj[] | undefined)?.find((c) => String(c['@type']).endsWith(`.${type}`)) ?? {};
const socket = (a: Obj | undefined): string => (a?.socket_address ? `${a.socket_address.address}:${a.socket_address.port_value ?? 0}` : '?');
const uniq = (xs: string[]) => [...new Set(xs.filter(Boolean))].sort();

/** hostHealth says whether Envoy sends to a host, from /clusters?format=json's health_status. */
function hostHealth(h: Obj | undefined, fromEds: string): string {
  if (!h) return fromEds;
  const why: string[] = [];
  if (h.eds_health_status && h.eds_health_status !== 'HEALTHY') why.push(`eds ${h.eds_health_status}`);
  if (h.failed_outlier_check) why.push('ejected by outlier detection');
  if (h.failed_active_health_check) why.push('failed health check');
  if (h.pending_dynamic_removal) why.push('being removed');
  return why.length ? why.join(', ') : 'HEALTHY';
}

function matchOf(m: Obj): string {
  const base = m.prefix !== undefined ? `prefix "${m.prefix}"` : m.path !== undefined ? `path "${m.path}"` : JSON.stringify(m);
  const headers = (m.headers as Obj[] | undefined)?.map((h) => `${h.name}${h.string_match?.exact !== undefined ? `=${h.string_match.exact}` : ' present'}`) ?? [];
  return headers.length ? `${base} + header ${headers.join(', ')}` : base;
}

function targetOf(r: Obj): string {
  const wc = r.weighted_clusters?.clusters as Obj[] | undefined;
  if (wc) return wc.map((c) => `${c.name} ${c.weight}`).join(' / ');
  return r.cluster ?? '?';
}

/** summarizeProxy reads Envoy's /config_dump?include_eds and /clusters?format=json. */
export function summarizeProxy(dump: Obj, clusterStatus: Obj): ProxyConfig {
  const cds = (section(dump, 'ClustersConfigDump').dynamic_active_clusters as Obj[] | undefined) ?? [];
  const edsNames = new Set(((section(dump, 'ClustersConfigDump').dynamic_active_clusters as Obj[] | undefined) ?? []).filter((c) => c.cluster?.type === 'EDS').map((c) => c.cluster.eds_cluster_config?.service_name ?? c.cluster.name));
  // Envoy lists the inline assignments of its static clusters here too: only EDS ones came over EDS.
  const eds = ((section(dump, 'EndpointsConfigDump').dynamic_endpoint_configs as Obj[] | undefined) ?? []).filter((e) => edsNames.has(e.endpoint_config?.cluster_name));
  const lds = (section(dump, 'ListenersConfigDump').dynamic_listeners as Obj[] | undefined) ?? [];
  const rds = (section(dump, 'RoutesConfigDump').dynamic_route_configs as Obj[] | undefined) ?? [];
  const live = new Map<string, Obj>();
  for (const c of (clusterStatus.cluster_statuses as Obj[] | undefined) ?? [])
    for (const h of (c.host_statuses as Obj[] | undefined) ?? []) live.set(`${c.name} ${socket(h.address)}`, h.health_status);

  const assignments = new Map<string, Obj>(eds.map((e) => [e.endpoint_config?.cluster_name, e.endpoint_config]));
  const clusters: ProxyCluster[] = cds.map((c) => {
    const cl = c.cluster as Obj;
    const edsName = cl.eds_cluster_config?.service_name ?? cl.name;
    const cla = cl.load_assignment ?? assignments.get(edsName) ?? {};
    const endpoints: ProxyEndpoint[] = [];
    for (const loc of (cla.endpoints as Obj[] | undefined) ?? [])
      for (const lb of (loc.lb_endpoints as Obj[] | undefined) ?? []) {
        const address = socket(lb.endpoint?.address);
        endpoints.push({
          address,
          zone: loc.locality?.zone ?? '',
          priority: loc.priority ?? 0,
          weight: lb.load_balancing_weight ?? 1,
          health: hostHealth(live.get(`${cl.name} ${address}`), lb.health_status ?? 'UNKNOWN'),
        });
      }
    return { name: cl.name, ...(cl.type === 'EDS' ? { edsName } : {}), type: cl.type ?? 'EDS', lbPolicy: cl.lb_policy ?? 'ROUND_ROBIN', endpoints };
  });
  const listeners: ProxyListener[] = lds.map((l) => {
    const listener = (l.active_state?.listener ?? {}) as Obj;
    const hcm = (listener.filter_chains as Obj[] | undefined)?.[0]?.filters?.[0]?.typed_config as Obj | undefined;
    return { name: l.name, address: socket(listener.address), routeConfig: hcm?.rds?.route_config_name, error: l.error_state?.details };
  });
  const routes: ProxyRoute[] = [];
  for (const r of rds)
    for (const vh of (r.route_config?.virtual_hosts as Obj[] | undefined) ?? [])
      for (const route of (vh.routes as Obj[] | undefined) ?? [])
        routes.push({ config: r.route_config.name, virtualHost: vh.name, domains: vh.domains ?? [], match: matchOf(route.match ?? {}), to: targetOf(route.route ?? {}) });
  return {
    versions: {
      CDS: uniq([section(dump, 'ClustersConfigDump').version_info]),
      EDS: [],
      LDS: uniq([section(dump, 'ListenersConfigDump').version_info]),
      RDS: uniq(rds.map((r) => r.version_info)),
    },
    names: {
      CDS: uniq(cds.map((c) => c.cluster?.name)),
      EDS: uniq(eds.map((e) => e.endpoint_config?.cluster_name)),
      LDS: uniq(lds.map((l) => l.name)),
      RDS: uniq(rds.map((r) => r.route_config?.name)),
    },
    clusters,
    listeners,
    routes,
  };
}

/** SyncCheck compares one xDS type between Envoy and the control plane. */
export interface SyncCheck {
  readonly type: 'CDS' | 'EDS' | 'LDS' | 'RDS';
  readonly inSync: boolean;
  readonly detail: string;
}

/** addressesOf lists the endpoint addresses of a ClusterLoadAssignment as the control plane sent it. */
function addressesOf(cla: Obj): string[] {
  return uniq(((cla.endpoints as Obj[] | undefined) ?? []).flatMap((l) => ((l.lb_endpoints as Obj[] | undefined) ?? []).map((e) => socket(e.endpoint?.address))));
}

/**
 * compareWithControlPlane sets what Envoy holds beside the control plane's /config_dump?node= of the
 * same node: per type the node's ACK state, the resource names, the version (CDS, LDS: the one Envoy
 * applied last; RDS: a route configuration changed in the latest response carries its version) and,
 * for endpoints, the addresses themselves.
 */
export function compareWithControlPlane(proxy: ProxyConfig, cpDump: Obj): SyncCheck[] {
  const stream = (cpDump.streams as Obj[] | undefined)?.[0];
  return (['CDS', 'EDS', 'LDS', 'RDS'] as const).map((type) => {
    const sent = stream?.configs?.[type] as Obj | undefined;
    if (!sent) return { type, inSync: false, detail: 'the control plane has sent this node nothing of this type' };
    const resources = (sent.resources as Obj[] | undefined) ?? [];
    const sentNames = uniq(resources.map((r) => r.name ?? r.cluster_name));
    const held = proxy.versions[type];
    const heldNames = proxy.names[type];
    const problems: string[] = [];
    if (sent.status === 'NACKED') problems.push(`Envoy rejected version ${sent.version}${sent.error ? `: ${sent.error}` : ''}`);
    else if (sent.status === 'STALE') problems.push(`version ${sent.version} sent, not answered yet`);
    else if (type !== 'EDS' && sentNames.length && !held.includes(sent.version)) problems.push(`holds version ${held.join(', ') || 'none'}, the control plane last sent ${sent.version}`);
    const missing = sentNames.filter((n) => !heldNames.includes(n));
    const extra = heldNames.filter((n) => !sentNames.includes(n));
    if (missing.length) problems.push(`missing ${missing.join(', ')}`);
    if (extra.length) problems.push(`holds ${extra.join(', ')}, which the control plane no longer sends`);
    if (type === 'EDS')
      for (const cla of resources) {
        const cluster = proxy.clusters.find((c) => c.edsName === cla.cluster_name);
        const want = addressesOf(cla);
        const have = uniq(cluster?.endpoints.map((e) => e.address) ?? []);
        if (cluster && want.join() !== have.join()) problems.push(`${cla.cluster_name}: holds [${have.join(', ')}], the control plane sent [${want.join(', ')}]`);
      }
    return { type, inSync: problems.length === 0, detail: problems.length ? problems.join('; ') : `version ${sent.version} (${sentNames.length} resources), ${sent.status}` };
  });
}
