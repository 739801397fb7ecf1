/**
 * RDS translator. Proxyless: one RouteConfiguration per service (named like its
 * listener). Envoy: `outbound` (a virtual host per service by authority, plus a catch-all
 * host routing by gRPC path `/<proto package.Service>/` from what instances serve) and
 * `inbound` (everything to the local app).
 */
import { TYPE_URL } from '../../envoy-api';
import type { MeshChange, MeshState, NodeGroup, Translator } from '../types';
import { buildRoutes, virtualHost } from './virtual-host';
import { ENVOY_INBOUND, ENVOY_OUTBOUND, inboundClusterName, sortedServices } from './names';
import { routeConfigName } from './fault';
import { ENVOY_RETRY_BUFFER_BYTES } from './envoy-buffers';

function outboundRoutes(state: MeshState): Record<string, unknown> {
  const byPath: Record<string, unknown>[] = [];
  for (const svc of sortedServices(state)) {
    const protoServices = new Set(svc.instances.flatMap((i) => i.protoServices));
    for (const ps of [...protoServices].sort()) byPath.push(...buildRoutes(svc, 'envoy', { prefix: `/${ps}/` }));
  }
  const hosts = sortedServices(state).map((svc) => virtualHost(svc, 'envoy', state.now));
  if (byPath.length) hosts.push({ name: 'by-grpc-path', domains: ['*'], routes: byPath, per_request_buffer_limit_bytes: { value: ENVOY_RETRY_BUFFER_BYTES } });
  return { name: ENVOY_OUTBOUND, virtual_hosts: hosts };
}

function inboundRoutes(port: number): Record<string, unknown> {
  return {
    name: ENVOY_INBOUND,
    virtual_hosts: [{ name: 'app', domains: ['*'], routes: [{ match: { prefix: '' }, route: { cluster: inboundClusterName(port), timeout: '0s' } }] }],
  };
}

/** rdsTranslator builds the RouteConfiguration resources. */
export const rdsTranslator: Translator = {
  typeUrl: TYPE_URL.route,
  // Instances matter only to Envoy's by-path host (which proto services instances serve).
  needsPush: (change: MeshChange, group: NodeGroup) => change.serviceSet || change.policies.size > 0 || (group.role === 'envoy' && change.instances.size > 0),
  build(state: MeshState, group: NodeGroup) {
    if (group.role === 'envoy') {
      const out = [{ name: ENVOY_OUTBOUND, object: outboundRoutes(state) }];
      if (group.appPort) out.push({ name: ENVOY_INBOUND, object: inboundRoutes(group.appPort) });
      return out;
    }
    return sortedServices(state).map((svc) => {
      const name = routeConfigName(svc, state.now);
      return { name, object: { name, virtual_hosts: [virtualHost(svc, 'proxyless', state.now)] } };
    });
  },
};
