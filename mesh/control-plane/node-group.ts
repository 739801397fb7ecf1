/**
 * groupOf: which snapshot a node gets. Envoy sidecars say `MESH_ROLE: envoy` in node
 * metadata (the bootstrap we generate does); anything else is a proxyless gRPC client.
 * The zone comes from node.locality (zone preference). An Envoy node names its app
 * (APP_SERVICE, APP_PORT) for the inbound listener, and the ports of its listeners
 * (OUTBOUND_PORT, INBOUND_ADDRESS, INBOUND_PORT; Istio's 15001 / 0.0.0.0:15006 when absent),
 * so several sidecars can share one host. Sidecars alike in all of these share a snapshot.
 */
import type { NodeInfo } from './stream-state';
import { ENVOY_INBOUND_PORT, ENVOY_OUTBOUND_PORT } from './translate/names';
import type { NodeGroup } from './types';

function portOf(value: string | undefined): number | undefined {
  const port = Number(value);
  return value && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/** groupOf derives the node group from what the node sent. */
export function groupOf(node: NodeInfo): NodeGroup {
  const m = node.metadata;
  const role = m.MESH_ROLE === 'envoy' || m.MESH_ROLE === 'sidecar' || node.userAgent === 'envoy' ? 'envoy' : 'proxyless';
  const zone = node.zone;
  if (role === 'proxyless') return { key: `proxyless/${zone}`, role, zone };
  const appPort = portOf(m.APP_PORT);
  const appService = m.APP_SERVICE || node.cluster || undefined;
  const otelCluster = m.OTEL_CLUSTER || undefined;
  const outboundPort = portOf(m.OUTBOUND_PORT) ?? ENVOY_OUTBOUND_PORT;
  const inboundPort = portOf(m.INBOUND_PORT) ?? ENVOY_INBOUND_PORT;
  // An IP literal only: anything else would be NACKed by Envoy as a listener address.
  const inboundAddress = /^[0-9.]+$|^[0-9a-f:]+$/i.test(m.INBOUND_ADDRESS ?? '') ? m.INBOUND_ADDRESS! : '0.0.0.0';
  const ports = appPort ? `${outboundPort}/${inboundAddress}:${inboundPort}` : `${outboundPort}`;
  return {
    key: `envoy/${zone}/${appService ?? ''}/${appPort ?? ''}/${otelCluster ?? ''}/${ports}`,
    role,
    zone,
    appService,
    appPort,
    otelCluster,
    outboundPort,
    inboundAddress,
    inboundPort,
  };
}
