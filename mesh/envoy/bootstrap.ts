/**
 * createEnvoyBootstrap: the Envoy v3 bootstrap of a mediamesh sidecar. ADS (state of the
 * world) to the control plane over HTTP/2 with keepalives, an admin listener, and an
 * `otel` cluster (HTTP/2) for the OpenTelemetry tracer (`envoy.tracers.opentelemetry`) that
 * the control plane configures in every listener's HCM. Node metadata MESH_ROLE=envoy makes
 * the control plane send real listeners, on the ports the metadata names (OUTBOUND_PORT on
 * 127.0.0.1, default 15001; INBOUND_ADDRESS:INBOUND_PORT, default 0.0.0.0:15006 → APP_PORT), so
 * several sidecars can share one host. Route timeouts are set to 0s by the control plane, so
 * streams are not cut at Envoy's 15 s default. Stats are limited to what operators read
 * (STATS_KEPT): each stat costs every sidecar memory, the rest are never looked at.
 */
import { isIP } from 'node:net';
import { stringify } from 'yaml';
import { ENVOY_INBOUND_PORT, ENVOY_OUTBOUND_PORT, TYPE_URL } from '../envoy-api';

/** OTEL_CLUSTER is the static cluster of the OTLP collector in every sidecar bootstrap. */
export const OTEL_CLUSTER = 'otel';

export interface EnvoyBootstrapOptions {
  /** Mesh service this sidecar fronts (node cluster, APP_SERVICE). */
  readonly service: string;
  /** host:port of the control plane's ADS server. */
  readonly xds: string;
  /** host:port of an OTLP/gRPC collector (Jaeger); omitted = no tracing. */
  readonly otlp?: string;
  /** Port of the local app (inbound listener target). */
  readonly appPort?: number;
  readonly nodeId?: string;
  readonly zone?: string;
  readonly adminPort?: number;
  /** Port of the outbound listener on 127.0.0.1 (default 15001). */
  readonly outboundPort?: number;
  /** Address and port of the inbound listener (default 0.0.0.0:15006; 127.0.0.1 on a shared host). */
  readonly inboundAddress?: string;
  readonly inboundPort?: number;
}

/** ENVOY_PORTS are the listener ports of a sidecar alone on its host (a pod): Istio's numbers. */
export const ENVOY_PORTS = { outbound: ENVOY_OUTBOUND_PORT, inbound: ENVOY_INBOUND_PORT, admin: 9901 } as const;

/**
 * STATS_KEPT: the stat name prefixes a sidecar keeps. Upstream request counts, circuit breakers and
 * outlier ejections per cluster, listener and connection-manager totals, xDS health; nothing per
 * virtual host or per runtime key.
 */
export const STATS_KEPT = ['cluster.', 'cluster_manager.', 'listener.', 'listener_manager.', 'http.', 'server.', 'control_plane.'];

/** splitHostPort parses host:port (IPv6 in brackets). */
export function splitHostPort(value: string, what: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new Error(`${what}: expected host:port, got ${JSON.stringify(value)}`);
  return { host: m[1], port };
}

const HTTP2 = (extra: Record<string, unknown> = {}) => ({
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
    '@type': TYPE_URL.httpProtocolOptions,
    explicit_http_config: { http2_protocol_options: extra },
  },
});

function staticCluster(name: string, hostPort: { host: string; port: number }, http2Extra?: Record<string, unknown>): Record<string, unknown> {
  return {
    name,
    type: isIP(hostPort.host) ? 'STATIC' : 'STRICT_DNS',
    connect_timeout: '1s',
    typed_extension_protocol_options: HTTP2(http2Extra),
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: hostPort.host, port_value: hostPort.port } } } }] }],
    },
  };
}

/** createEnvoyBootstrap returns the bootstrap as an object (Envoy YAML shape). */
export function createEnvoyBootstrap(o: EnvoyBootstrapOptions): Record<string, unknown> {
  const xds = splitHostPort(o.xds, '--xds');
  const metadata: Record<string, string> = {
    MESH_ROLE: 'envoy',
    APP_SERVICE: o.service,
    OUTBOUND_PORT: String(o.outboundPort ?? ENVOY_PORTS.outbound),
  };
  if (o.appPort) {
    metadata.APP_PORT = String(o.appPort);
    metadata.INBOUND_ADDRESS = o.inboundAddress ?? '0.0.0.0';
    metadata.INBOUND_PORT = String(o.inboundPort ?? ENVOY_PORTS.inbound);
  }
  const clusters = [staticCluster('xds_cluster', xds, { connection_keepalive: { interval: '30s', timeout: '5s' } })];
  const bootstrap: Record<string, unknown> = {
    node: { id: o.nodeId ?? `${o.service}-sidecar`, cluster: o.service, locality: { zone: o.zone ?? '' }, metadata },
    dynamic_resources: {
      ads_config: { api_type: 'GRPC', transport_api_version: 'V3', set_node_on_first_message_only: true, grpc_services: [{ envoy_grpc: { cluster_name: 'xds_cluster' } }] },
      cds_config: { resource_api_version: 'V3', ads: {}, initial_fetch_timeout: '15s' },
      lds_config: { resource_api_version: 'V3', ads: {}, initial_fetch_timeout: '15s' },
    },
    static_resources: { clusters },
    stats_config: { stats_matcher: { inclusion_list: { patterns: STATS_KEPT.map((prefix) => ({ prefix })) } } },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: o.adminPort ?? ENVOY_PORTS.admin } } },
  };
  if (o.otlp) {
    // Bootstrap-level `tracing` is deprecated: the tracer lives in each listener's HCM, which
    // the control plane adds (envoy.tracers.opentelemetry → this cluster) when OTEL_CLUSTER is set.
    clusters.push(staticCluster(OTEL_CLUSTER, splitHostPort(o.otlp, '--otlp')));
    metadata.OTEL_CLUSTER = OTEL_CLUSTER;
  }
  return bootstrap;
}

/** renderYaml prints a bootstrap (or any Envoy object) as YAML. */
export function renderYaml(obj: Record<string, unknown>): string {
  return stringify(obj, { lineWidth: 0 });
}
