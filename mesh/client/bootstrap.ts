/**
 * The xDS bootstrap a proxyless gRPC process hands to @grpc/grpc-js-xds (and gRPC C-core):
 * one ADS server, the node (id, zone as locality — grpc-js refuses a node without
 * `locality` — and MESH_ROLE=proxyless so the control plane sends api_listeners).
 */
import { runtimeSpecs } from '../../core/runtime-config';

export interface BootstrapOptions {
  /** host:port of the control plane's ADS server (an IP: `localhost` tries ::1 first in C-core). */
  readonly server: string;
  readonly nodeId: string;
  readonly zone?: string;
  /** Node cluster: the calling service's name. */
  readonly cluster?: string;
  readonly metadata?: Record<string, string>;
}

/** createXdsBootstrap returns the bootstrap object (JSON.stringify it for GRPC_XDS_BOOTSTRAP_CONFIG). */
export function createXdsBootstrap(o: BootstrapOptions): Record<string, unknown> {
  return {
    xds_servers: [{ server_uri: o.server, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3', 'ignore_resource_deletion'] }],
    node: {
      id: o.nodeId,
      cluster: o.cluster ?? '',
      locality: o.zone ? { zone: o.zone } : {},
      metadata: { MESH_ROLE: 'proxyless', ...o.metadata },
    },
  };
}

/**
 * ensureProcessBootstrap sets GRPC_XDS_BOOTSTRAP_CONFIG from MEDIAMESH_XDS_SERVER when no
 * bootstrap is configured yet. grpc-js-xds reads it once, at the first xds: channel, so
 * this must run before that; it returns what it decided (for the start-up log).
 */
export function ensureProcessBootstrap(
  env: Record<string, string | undefined> = process.env,
  out: Record<string, string | undefined> = process.env,
): 'explicit' | 'generated' | 'missing' {
  if (out.GRPC_XDS_BOOTSTRAP || out.GRPC_XDS_BOOTSTRAP_CONFIG) return 'explicit';
  const server = env.MEDIAMESH_XDS_SERVER;
  if (!server) return 'missing';
  const service = env.MEDIAMESH_SERVICE_NAME || '';
  const nodeId = env.MEDIAMESH_INSTANCE_ID || `${service || 'client'}-${process.pid}`;
  const bootstrap = createXdsBootstrap({ server, nodeId, zone: env.MEDIAMESH_ZONE || runtimeSpecs.zone.fallback, cluster: service });
  out.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify(bootstrap);
  return 'generated';
}
