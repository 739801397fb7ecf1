/**
 * groupOf: which snapshot a node gets. Envoy sidecars say `MESH_ROLE: envoy` in node
 * metadata (the bootstrap we generate does); anything else is a proxyless gRPC client.
 * The zone comes from node.locality (zone preference); an Envoy node may name its app
 * (APP_SERVICE, APP_PORT) for the inbound listener.
 */
import type { NodeInfo } from './stream-state';
import type { NodeGroup } from './types';

/** groupOf derives the node group from what the node sent. */
export function groupOf(node: NodeInfo): NodeGroup {
  const role = node.metadata.MESH_ROLE === 'envoy' || node.metadata.MESH_ROLE === 'sidecar' || node.userAgent === 'envoy' ? 'envoy' : 'proxyless';
  const zone = node.zone;
  if (role === 'proxyless') return { key: `proxyless/${zone}`, role, zone };
  const port = Number(node.metadata.APP_PORT);
  const appPort = Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  const appService = node.metadata.APP_SERVICE || node.cluster || undefined;
  const otelCluster = node.metadata.OTEL_CLUSTER || undefined;
  return { key: `envoy/${zone}/${appService ?? ''}/${appPort ?? ''}/${otelCluster ?? ''}`, role, zone, appService, appPort, otelCluster };
}
