/** mesh/envoy: Envoy sidecar bootstrap generation and the field-by-field check against Envoy's API protos. */
export { createEnvoyBootstrap, renderYaml, splitHostPort } from './bootstrap';
export type { EnvoyBootstrapOptions } from './bootstrap';
export { checkEnvoyObject } from '../envoy-api';
export { BOOTSTRAP_TYPE, checkEnvoyYaml } from './check-yaml';
