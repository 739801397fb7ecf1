import { describe, expect, it } from 'vitest';
import type { ServiceInstance } from '../registry';
import { TYPE_URL } from '../envoy-api';
import { createControlPlane } from './control-plane';
import type { WatchResponse } from './snapshot-cache';
import type { NodeInfo } from './stream-state';

const sidecar: NodeInfo = { id: 'gateway-envoy', cluster: 'gateway', zone: 'zone-a', userAgent: 'envoy', metadata: { MESH_ROLE: 'envoy' } };
const video: ServiceInstance = {
  service: 'video', id: 'video-1', address: '127.0.0.1', port: 50051, version: 'v1', zone: 'zone-a', weight: 1, health: 'SERVING',
  protoServices: ['mediamesh.video.v1.VideoService'], registrationTimeUTC: 0, payload: null,
};
const endpointsOf = (r: WatchResponse) => JSON.stringify(r.resources.map((x) => x.object)).match(/"port_value":50051/g)?.length ?? 0;

describe('createControlPlane awaitSync', () => {
  it('publishes nothing until instances and policies have both been read: a policy alone would make a cluster without endpoints', () => {
    const cp = createControlPlane({ debounceMs: 0, awaitSync: ['instances', 'policies'] });
    const group = cp.resolveGroup(sidecar);
    const answers: WatchResponse[] = [];
    cp.cache.createWatch({ groupKey: group.key, typeUrl: TYPE_URL.endpoint }, { names: new Set(['video']), wildcard: false, sent: undefined, force: true }, (r) => answers.push(r));

    // The policies arrive first (one read fewer than the instances): before the fix this was
    // published as a `video` cluster with an empty ClusterLoadAssignment.
    cp.setPolicy('video', { retry: { on: ['unavailable'], attempts: 2 } });
    cp.markSynced('policies');
    cp.flush();
    expect(cp.cache.getSnapshot(group.key)).toBeUndefined();
    expect(answers).toEqual([]);
    expect(cp.waitingFor()).toEqual(['instances']);

    cp.setInstances(new Map([['video', [video]]]));
    expect(cp.waitingFor()).toEqual([]);
    expect(answers).toHaveLength(1);
    expect(endpointsOf(answers[0])).toBe(1);
    expect([...cp.cache.getSnapshot(group.key)!.get(TYPE_URL.cluster)!.resources.keys()]).toContain('video');
    cp.close();
  });

  it('a group first seen after the sync gets its snapshot at once; without awaitSync the engine publishes at once', () => {
    const synced = createControlPlane({ debounceMs: 0, awaitSync: ['instances'] });
    synced.setInstances(new Map([['video', [video]]]));
    expect(synced.cache.getSnapshot(synced.resolveGroup(sidecar).key)?.get(TYPE_URL.endpoint)?.resources.has('video')).toBe(true);
    synced.close();

    // What a control plane answering before its sync sent: the policy's service as a cluster
    // whose ClusterLoadAssignment has no endpoint (Envoy: "no healthy upstream").
    const engine = createControlPlane({ debounceMs: 0 });
    engine.setPolicy('video', { retry: { on: ['unavailable'], attempts: 2 } });
    engine.flush();
    const eds = engine.cache.getSnapshot(engine.resolveGroup(sidecar).key)!.get(TYPE_URL.endpoint)!;
    expect(endpointsOf({ version: eds.version, resources: [eds.resources.get('video')!] })).toBe(0);
    engine.close();
  });
});
