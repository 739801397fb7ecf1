/**
 * mesh/envoy-api: Envoy's API protos (from @grpc/grpc-js-xds's deps/), the field-by-field
 * checker over them, and Any packing. The bottom of mesh/: the control plane and mesh/envoy
 * import it; it imports nothing of ours.
 */
export { ENVOY_PROTO_FILES, envoyProtoDirs, envoyRoot, lookupType, TYPE_URL, typeNameOf } from './envoy-protos';
export { checkEnvoyObject } from './schema-check';
export type { ValidationResult } from './schema-check';
export { pack, unpack } from './any';
export type { AnyValue } from './any';
export { ENVOY_INBOUND_PORT, ENVOY_OUTBOUND_PORT } from './sidecar-ports';
