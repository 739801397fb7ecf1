/**
 * LDS translator. Proxyless nodes get an api_listener per mesh service (`xds:///image` →
 * listener `image`); Envoy nodes get real listeners on the ports their node metadata names:
 * outbound 127.0.0.1:<OUTBOUND_PORT> (15001) and, when the node names its app port, inbound
 * <INBOUND_ADDRESS>:<INBOUND_PORT> (0.0.0.0:15006). The fault filter is configured per
 * virtual host (RDS); the router filter is always last.
 */
import { TYPE_URL } from '../../envoy-api';
import type { MeshChange, MeshState, NodeGroup, Translator } from '../types';
import { ENVOY_INBOUND, ENVOY_INBOUND_PORT, ENVOY_OUTBOUND, ENVOY_OUTBOUND_PORT, FAULT_FILTER, ROUTER_FILTER, sortedServices } from './names';
import { activeFault, routeConfigName } from './fault';
import { ENVOY_CONNECTION_BUFFER_BYTES } from './envoy-buffers';

/**
 * hcm is an HttpConnectionManager reading its routes over ADS. The fault filter costs every
 * proxyless call a filter instance, so proxyless listeners carry it only while a fault is
 * active (the route configuration is renamed at the same time: see routeConfigName).
 */
export function hcm(routeName: string, extra: Record<string, unknown> = {}, withFault = true): Record<string, unknown> {
  const router = { name: ROUTER_FILTER, typed_config: { '@type': TYPE_URL.router } };
  return {
    '@type': TYPE_URL.hcm,
    ...extra,
    rds: { route_config_name: routeName, config_source: { ads: {}, resource_api_version: 'V3' } },
    http_filters: withFault ? [{ name: FAULT_FILTER, typed_config: { '@type': TYPE_URL.fault } }, router] : [router],
  };
}

function tracing(group: NodeGroup, direction: string): Record<string, unknown> {
  if (!group.otelCluster) return {};
  return {
    tracing: {
      provider: {
        name: 'envoy.tracers.opentelemetry',
        typed_config: {
          '@type': TYPE_URL.otel,
          grpc_service: { envoy_grpc: { cluster_name: group.otelCluster }, timeout: '0.250s' },
          service_name: `mediamesh-${group.appService ?? 'sidecar'}-envoy-${direction.toLowerCase()}`,
        },
      },
    },
  };
}

function envoyListener(group: NodeGroup, name: string, address: string, port: number, direction: 'OUTBOUND' | 'INBOUND'): Record<string, unknown> {
  return {
    name,
    address: { socket_address: { address, port_value: port } },
    traffic_direction: direction,
    per_connection_buffer_limit_bytes: { value: ENVOY_CONNECTION_BUFFER_BYTES },
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: hcm(name, {
              stat_prefix: name,
              codec_type: 'AUTO',
              // gRPC streams may run long: no idle cut at the connection manager.
              stream_idle_timeout: '0s',
              ...tracing(group, direction),
            }),
          },
        ],
      },
    ],
  };
}

/** ldsTranslator builds the Listener resources. */
export const ldsTranslator: Translator = {
  typeUrl: TYPE_URL.listener,
  // Policies matter: a fault renames the proxyless route configuration (see routeConfigName).
  needsPush: (change: MeshChange) => change.serviceSet || change.policies.size > 0,
  build(state: MeshState, group: NodeGroup) {
    if (group.role === 'envoy') {
      const out = [{ name: ENVOY_OUTBOUND, object: envoyListener(group, ENVOY_OUTBOUND, '127.0.0.1', group.outboundPort ?? ENVOY_OUTBOUND_PORT, 'OUTBOUND') }];
      if (group.appPort)
        out.push({ name: ENVOY_INBOUND, object: envoyListener(group, ENVOY_INBOUND, group.inboundAddress ?? '0.0.0.0', group.inboundPort ?? ENVOY_INBOUND_PORT, 'INBOUND') });
      return out;
    }
    return sortedServices(state).map((svc) => {
      const hasFault = activeFault(svc.policy.fault, state.now) !== undefined;
      return { name: svc.name, object: { name: svc.name, api_listener: { api_listener: hcm(routeConfigName(svc, state.now), {}, hasFault) } } };
    });
  },
};
