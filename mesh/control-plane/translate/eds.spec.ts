import { describe, expect, it } from 'vitest';
import type { ServiceInstance } from '../../registry/types';
import { buildLoadAssignment } from './eds';

const inst = (id: string, zone: string, o: Partial<ServiceInstance> = {}): ServiceInstance => ({
  service: 's', id, address: '10.0.0.' + id.length, port: 1000 + id.charCodeAt(0), version: 'v1', zone, weight: 1, health: 'SERVING', protoServices: [], registrationTimeUTC: 0, payload: null, ...o,
});

describe('EDS translation', () => {
  it('groups by zone with locality weights, honours instance weight, drops NOT_SERVING and hostnames', () => {
    const cla = buildLoadAssignment('s', [inst('a', 'z1', { weight: 3 }), inst('b', 'z1'), inst('c', 'z2', { health: 'NOT_SERVING' }), inst('d', 'z2', { address: 'host.example' }), inst('e', 'z3')], 'z1', false) as any;
    expect(cla.endpoints.map((l: any) => [l.locality.zone, l.load_balancing_weight.value, l.priority, l.lb_endpoints.length])).toEqual([
      ['z1', 4, 0, 2],
      ['z3', 1, 0, 1],
    ]);
    expect(cla.endpoints[0].lb_endpoints.map((e: any) => e.load_balancing_weight.value)).toEqual([3, 1]);
  });

  it('zone preference puts the caller zone at priority 0, others at 1; no local instance means one priority', () => {
    const list = [inst('a', 'z1'), inst('b', 'z2')];
    expect((buildLoadAssignment('s', list, 'z2', true) as any).endpoints.map((l: any) => [l.locality.zone, l.priority])).toEqual([['z1', 1], ['z2', 0]]);
    expect((buildLoadAssignment('s', list, 'z9', true) as any).endpoints.map((l: any) => l.priority)).toEqual([0, 0]);
  });
});
