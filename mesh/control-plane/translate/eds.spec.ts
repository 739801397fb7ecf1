import { describe, expect, it } from 'vitest';
import type { ServiceInstance } from '../../registry/types';
import { buildLoadAssignment } from './eds';

const inst = (id: string, zone: string, o: Partial<ServiceInstance> = {}): ServiceInstance => ({
  service: 's', id, address: '10.0.0.' + id.length, port: 1000 + id.charCodeAt(0), version: 'v1', zone, weight: 1, health: 'SERVING', protoServices: [], registrationTimeUTC: 0, payload: null, ...o,
});

describe('EDS translation', () => {
  it('groups by zone with locality weights, honours instance weight, drops NOT_SERVING and hostnames', () => {
    const cla = buildLoadAssignment('s', [inst('a', 'z1', { weight: 3 }), inst('b', 'z1'), inst('c', 'z2', { health: 'NOT_SERVING' }), inst('d', 'z2', { address: 'host.example' }), inst('e', 'z3')], 'z1', {}) as any;
    expect(cla.endpoints.map((l: any) => [l.locality.zone, l.load_balancing_weight.value, l.priority, l.lb_endpoints.length])).toEqual([
      ['z1', 4, 0, 2],
      ['z3', 1, 0, 1],
    ]);
    expect(cla.endpoints[0].lb_endpoints.map((e: any) => e.load_balancing_weight.value)).toEqual([3, 1]);
  });

  it('zone preference puts the caller zone at priority 0, others at 1; no local instance means one priority', () => {
    const list = [inst('a', 'z1'), inst('b', 'z2')];
    expect((buildLoadAssignment('s', list, 'z2', { zonePreference: true }) as any).endpoints.map((l: any) => [l.locality.zone, l.priority])).toEqual([['z1', 1], ['z2', 0]]);
    expect((buildLoadAssignment('s', list, 'z9', { zonePreference: true }) as any).endpoints.map((l: any) => l.priority)).toEqual([0, 0]);
  });

  it('crossZonePercent keeps every zone at priority 0 and gives the other zones that share by locality weight', () => {
    const list = [inst('a', 'z1'), inst('b', 'z1'), inst('c', 'z2', { weight: 3 }), inst('d', 'z3')];
    const cla = buildLoadAssignment('s', list, 'z1', { zonePreference: true, crossZonePercent: 5 }) as any;
    // z1 95 %, the 5 % split 3:1 between z2 and z3 by their instance weights.
    expect(cla.endpoints.map((l: any) => [l.locality.zone, l.load_balancing_weight.value, l.priority])).toEqual([
      ['z1', 9500],
      ['z2', 375],
      ['z3', 125],
    ].map(([z, w]) => [z, w, 0]));
    // No instance in the caller's zone: plain weights, one priority, as without the share.
    expect((buildLoadAssignment('s', list, 'z9', { zonePreference: true, crossZonePercent: 5 }) as any).endpoints.map((l: any) => l.load_balancing_weight.value)).toEqual([2, 3, 1]);
  });

  it('crossZonePercent for Envoy: the caller zone at priority 0 taking 100 − share of the calls (overprovisioning factor), so a retry leaves a dead zone', () => {
    const list = [inst('a', 'z1'), inst('b', 'z1'), inst('c', 'z2', { weight: 3 }), inst('d', 'z3')];
    const cla = buildLoadAssignment('s', list, 'z1', { zonePreference: true, crossZonePercent: 5 }, 'envoy') as any;
    expect(cla.endpoints.map((l: any) => [l.locality.zone, l.load_balancing_weight.value, l.priority])).toEqual([
      ['z1', 2, 0],
      ['z2', 3, 1],
      ['z3', 1, 1],
    ]);
    expect(cla.policy).toEqual({ overprovisioning_factor: { value: 95 } });
    // Zone preference alone keeps Envoy's default factor (priority 0 takes everything while healthy).
    expect((buildLoadAssignment('s', list, 'z1', { zonePreference: true }, 'envoy') as any).policy).toBeUndefined();
    expect((buildLoadAssignment('s', list, 'z9', { zonePreference: true, crossZonePercent: 5 }, 'envoy') as any).policy).toBeUndefined();
  });
});
