/** mesh/envoy: Envoy sidecar bootstrap generation and the field-by-field check against Envoy's API protos. */
export { createEnvoyBootstrap, ENVOY_PORTS, renderYaml, splitHostPort, STATS_KEPT } from './bootstrap';
export type { EnvoyBootstrapOptions } from './bootstrap';
export { checkEnvoyObject } from '../envoy-api';
export { BOOTSTRAP_TYPE, checkEnvoyYaml } from './check-yaml';
