/** mesh/envoy: Envoy sidecar bootstrap generation, the field-by-field check against Envoy's API protos, and reading what a running sidecar holds. */
export { createEnvoyBootstrap, ENVOY_PORTS, renderYaml, splitHostPort, STATS_KEPT } from './bootstrap';
export type { EnvoyBootstrapOptions } from './bootstrap';
export { checkEnvoyObject } from '../envoy-api';
export { BOOTSTRAP_TYPE, checkEnvoyYaml } from './check-yaml';
export { compareWithControlPlane, summarizeProxy } from './proxy-config';
export type { ProxyCluster, ProxyConfig, ProxyEndpoint, ProxyListener, ProxyRoute, SyncCheck } from './proxy-config';
