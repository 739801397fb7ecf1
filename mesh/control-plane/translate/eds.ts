/**
 * EDS translator: a ClusterLoadAssignment per mesh cluster. Instances are grouped by zone
 * into localities, each with load_balancing_weight (grpc-js silently drops a locality
 * without one); NOT_SERVING and non-IP instances are left out. With zone preference the
 * caller's zone is priority 0 and the rest priority 1 (contiguous from 0, as gRPC needs).
 * With crossZonePercent as well, the other zones get that share of the calls while the caller's
 * zone answers, each data plane in its own terms:
 *  - gRPC (proxyless): every zone at priority 0, the locality weights give the share; a zone
 *    whose instances stop answering stops being picked (its subchannels fail to connect);
 *  - Envoy: the priorities stay and the ClusterLoadAssignment's overprovisioning factor is
 *    100 − share, so priority 0 takes that percentage of the calls while healthy and priority 1
 *    the rest. Envoy keeps picking a dead host until something ejects it, and its retries leave a
 *    failed priority (previous_priorities, envoy-retry.ts) but not a failed locality: in one
 *    priority with locality weights, a call's retries mostly met the dead zone again (half the
 *    calls failed with two dead instances of three at a 10 % share; the chaos zone outage).
 */
import { isIP } from 'node:net';
import type { ServiceInstance } from '../../registry';
import { TYPE_URL } from '../../envoy-api';
import type { ServicePolicy } from '../policy/types';
import type { MeshChange, MeshState, NodeGroup, NodeRole, Translator } from '../types';
import { meshClusters } from './names';

/** usable tells whether an instance may receive traffic. */
export function usable(i: ServiceInstance): boolean {
  return i.health === 'SERVING' && isIP(i.address) !== 0 && i.port > 0 && i.port < 65536;
}

/** WEIGHT_SCALE: locality weights are integers; the caller's zone gets (100 - p) × this. */
const WEIGHT_SCALE = 100;

/** buildLoadAssignment groups instances into localities and priorities. */
export function buildLoadAssignment(
  name: string,
  instances: readonly ServiceInstance[],
  callerZone: string,
  zone: Pick<ServicePolicy, 'zonePreference' | 'crossZonePercent'>,
  role: NodeRole = 'proxyless',
): Record<string, unknown> {
  const byZone = new Map<string, ServiceInstance[]>();
  const seen = new Set<string>();
  for (const i of instances) {
    const key = `${i.address}:${i.port}`;
    if (!usable(i) || seen.has(key)) continue; // a duplicate address is a NACK in grpc-js
    seen.add(key);
    const list = byZone.get(i.zone) ?? [];
    list.push(i);
    byZone.set(i.zone, list);
  }
  const preferLocal = zone.zonePreference === true && byZone.has(callerZone) && byZone.size > 1;
  const crossZone = preferLocal ? (zone.crossZonePercent ?? 0) : 0;
  // Envoy takes the share from the overprovisioning factor; the locality weights stay plain.
  const share = role === 'envoy' ? 0 : crossZone;
  const zones = [...byZone.keys()].sort();
  const weightOf = (i: ServiceInstance) => Math.max(1, Math.round(i.weight || 1));
  const zoneWeight = (z: string) => byZone.get(z)!.reduce((sum, i) => sum + weightOf(i), 0);
  const othersTotal = zones.filter((z) => z !== callerZone).reduce((sum, z) => sum + zoneWeight(z), 0);
  /** localityWeight: the zone's instance weights, or with a cross-zone share its part of 100 %. */
  const localityWeight = (z: string) => {
    if (share === 0) return zoneWeight(z);
    if (z === callerZone) return (100 - share) * WEIGHT_SCALE;
    return Math.max(1, Math.round((share * WEIGHT_SCALE * zoneWeight(z)) / othersTotal));
  };
  const endpoints = zones.map((zone) => {
    const list = byZone.get(zone)!.sort((a, b) => (a.id < b.id ? -1 : 1));
    const weights = list.map(weightOf);
    return {
      locality: { region: '', zone },
      load_balancing_weight: { value: localityWeight(zone) },
      priority: preferLocal && share === 0 && zone !== callerZone ? 1 : 0,
      lb_endpoints: list.map((i, n) => ({
        endpoint: { address: { socket_address: { address: i.address, port_value: i.port } } },
        health_status: 'HEALTHY',
        load_balancing_weight: { value: weights[n] },
      })),
    };
  });
  // Priority 0 healthy takes min(100, 100 × factor / 100) percent of the calls: 100 − share.
  if (role === 'envoy' && crossZone > 0) return { cluster_name: name, endpoints, policy: { overprovisioning_factor: { value: 100 - crossZone } } };
  return { cluster_name: name, endpoints };
}

/** edsTranslator builds the ClusterLoadAssignment resources. */
export const edsTranslator: Translator = {
  typeUrl: TYPE_URL.endpoint,
  needsPush: (change: MeshChange) => change.serviceSet || change.instances.size > 0 || change.policies.size > 0,
  build(state: MeshState, group: NodeGroup) {
    return meshClusters(state, group.role).map((c) => {
      const instances = c.version ? c.service.instances.filter((i) => i.version === c.version) : c.service.instances;
      return { name: c.name, object: buildLoadAssignment(c.name, instances, group.zone, c.service.policy, group.role) };
    });
  },
};
