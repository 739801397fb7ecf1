import { describe, expect, it } from 'vitest';
import { TYPE_URL } from '../envoy-api';
import { consistent, makeResource, type Snapshot } from './snapshot';
import { createSnapshotCache, type WatchResponse } from './snapshot-cache';

const cla = (name: string, port: number) =>
  makeResource(TYPE_URL.endpoint, name, { cluster_name: name, endpoints: [{ locality: { zone: 'z' }, load_balancing_weight: { value: 1 }, lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: port } } } }] }] });
const snap = (version: string, port: number): Snapshot => new Map([[TYPE_URL.endpoint, { version, resources: new Map([['a', cla('a', port)]]) }]]);
const req = { groupKey: 'g', typeUrl: TYPE_URL.endpoint };

describe('snapshot cache', () => {
  it('answers a new subscription at once and parks a watch whose client holds the current bytes', () => {
    const cache = createSnapshotCache();
    cache.setSnapshot('g', snap('v1', 1));
    const got: WatchResponse[] = [];
    cache.createWatch(req, { names: new Set(['a']), wildcard: false, sent: undefined, force: true }, (r) => got.push(r));
    expect(got.map((r) => r.version)).toEqual(['v1']);
    // After a NACK of v1 the client re-asks holding v1's bytes: nothing is re-sent...
    const sent = new Map([['a', got[0].resources[0].hash]]);
    cache.createWatch(req, { names: new Set(['a']), wildcard: false, sent, force: false }, (r) => got.push(r));
    expect(got).toHaveLength(1);
    expect(cache.watchCount()).toBe(1);
    // ...until the content changes.
    cache.setSnapshot('g', snap('v2', 2));
    expect(got.map((r) => r.version)).toEqual(['v1', 'v2']);
    expect(cache.watchCount()).toBe(0);
  });

  it('a version bump with identical bytes wakes no watch', () => {
    const cache = createSnapshotCache();
    cache.setSnapshot('g', snap('v1', 1));
    const first = cla('a', 1);
    let calls = 0;
    cache.createWatch(req, { names: new Set(['a']), wildcard: false, sent: new Map([['a', first.hash]]), force: false }, () => calls++);
    cache.setSnapshot('g', snap('v9', 1));
    expect(calls).toBe(0);
  });

  it('consistency check names dangling references', () => {
    const route = makeResource(TYPE_URL.route, 'r', { name: 'r', virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '' }, route: { cluster: 'missing' } }] }] });
    const cluster = makeResource(TYPE_URL.cluster, 'c', { name: 'c', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} }, service_name: 'c' } });
    const s: Snapshot = new Map([
      [TYPE_URL.route, { version: '1', resources: new Map([['r', route]]) }],
      [TYPE_URL.cluster, { version: '1', resources: new Map([['c', cluster]]) }],
    ]);
    const r = consistent(s);
    expect(!r.ok && r.errors).toEqual(['route configuration r: cluster missing does not exist', 'cluster c: load assignment c does not exist']);
  });
});
