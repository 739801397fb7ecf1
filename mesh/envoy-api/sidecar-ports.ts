/**
 * The listener ports of an Envoy sidecar alone on its host (a pod), Istio's numbers: the bootstrap
 * generator writes them into node metadata by default and the control plane renders a node's
 * listeners on them when its metadata names none. Sidecars sharing a host name ports of their own.
 */
export const ENVOY_OUTBOUND_PORT = 15001;
export const ENVOY_INBOUND_PORT = 15006;
