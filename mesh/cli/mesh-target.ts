/**
 * meshTarget: how a CLI command dials a mesh service — straight to --target host:port, or
 * through the mesh like a service would (xds:///<service> with a bootstrap for --xds /
 * MEDIAMESH_XDS_SERVER / GRPC_XDS_BOOTSTRAP; envoy or direct per MEDIAMESH_MESH_MODE).
 */
import type * as grpc from '@grpc/grpc-js';
import { targetFor } from '../client';
import { UsageError, type OptionSpecs, type ParsedArgs } from './command';

/** MESH_TARGET_OPTIONS are the flags of every command that dials a mesh service. */
export const MESH_TARGET_OPTIONS = { xds: { type: 'string' }, target: { type: 'string' } } as const satisfies OptionSpecs;

export function meshTarget(p: ParsedArgs, service: string): { target: string; options: Partial<grpc.ClientOptions> } {
  if (typeof p.flags.target === 'string') return { target: p.flags.target, options: {} };
  const env = { ...process.env };
  if (typeof p.flags.xds === 'string') env.MEDIAMESH_XDS_SERVER = p.flags.xds;
  if (!env.MEDIAMESH_MESH_MODE || env.MEDIAMESH_MESH_MODE === 'proxyless') {
    if (!env.MEDIAMESH_XDS_SERVER && !env.GRPC_XDS_BOOTSTRAP && !env.GRPC_XDS_BOOTSTRAP_CONFIG)
      throw new UsageError('where is the control plane? pass --xds host:port (or set MEDIAMESH_XDS_SERVER), or --target host:port to skip the mesh');
    env.MEDIAMESH_INSTANCE_ID ||= `mediamesh-cli-${process.pid}`;
  }
  return targetFor(service, { env });
}
