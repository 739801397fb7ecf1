/**
 * The mesh end to end: real ZooKeeper, the compiled control plane process, real echo
 * backends registered through the registry, and real grpc-js-xds clients (`xds:///<svc>`),
 * each with its own bootstrap. Every scenario uses its own service name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countInstances, createMeshFixture, eventually, type MeshFixture } from './fixtures/mesh-fixture';

let fx: MeshFixture;

beforeAll(async () => {
  fx = await createMeshFixture();
});
afterAll(async () => {
  await fx?.close();
});

describe('proxyless mesh over the control plane', () => {
  it('round-robins over 3 instances and follows instances added and removed in ZooKeeper', async () => {
    const [a, b] = await Promise.all([fx.addInstance('rr', 'rr-a'), fx.addInstance('rr', 'rr-b'), fx.addInstance('rr', 'rr-c')]);
    const client = fx.client('rr');
    const counts = await eventually(async () => {
      const c = await countInstances(client, 300);
      expect(Object.keys(c).sort()).toEqual(['rr-a', 'rr-b', 'rr-c']);
      return c;
    });
    for (const id of ['rr-a', 'rr-b', 'rr-c']) expect(counts[id]).toBeGreaterThanOrEqual(70);

    await fx.addInstance('rr', 'rr-d');
    await eventually(async () => expect((await countInstances(client, 40))['rr-d']).toBeGreaterThan(0));
    await a.registration.deregister();
    await b.registration.update({ health: 'NOT_SERVING' });
    await eventually(async () => expect(Object.keys(await countInstances(client, 60)).sort()).toEqual(['rr-c', 'rr-d']));

    const status = await fx.status();
    const node = status.nodes.find((n) => n.types.EDS);
    expect(node?.types.EDS.status).toMatch(/ACKED|STALE/);
  });

  it('splits a 90/10 canary within ±3 points over 1,000 calls and routes a header to v2', async () => {
    await Promise.all([fx.addInstance('canary', 'c-v1a', { version: 'v1' }), fx.addInstance('canary', 'c-v1b', { version: 'v1' }), fx.addInstance('canary', 'c-v2', { version: 'v2' })]);
    await fx.setPolicy('canary', { subsets: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }], headerRoutes: [{ header: 'x-canary', exact: 'yes', version: 'v2' }] });
    const client = fx.client('canary');
    // Header routing shows the policy has arrived; then measure the split.
    await eventually(async () => expect(await countInstances(client, 20, { 'x-canary': 'yes' })).toEqual({ 'c-v2': 20 }));
    const counts = await countInstances(client, 1000);
    const v2 = (counts['c-v2'] ?? 0) / 10;
    expect(v2).toBeGreaterThanOrEqual(7);
    expect(v2).toBeLessThanOrEqual(13);
    expect((counts['c-v1a'] ?? 0) + (counts['c-v1b'] ?? 0) + (counts['c-v2'] ?? 0)).toBe(1000);
  });

  it('injects aborts and delays at the configured percentages, and drops the fault at its expiry', async () => {
    await fx.addInstance('faulty', 'f-1');
    const client = fx.client('faulty');
    await eventually(async () => expect(await countInstances(client, 5)).toEqual({ 'f-1': 5 }));
    await fx.setPolicy('faulty', { fault: { abort: { grpcStatus: 14, percent: 50 }, delay: { ms: 100, percent: 50 } } });
    await eventually(async () => expect((await countInstances(client, 20))['error:14']).toBeGreaterThan(0));
    let aborted = 0;
    let delayed = 0;
    const n = 200;
    for (let i = 0; i < n; i++) {
      const t0 = Date.now();
      try {
        await client.call();
        if (Date.now() - t0 >= 95) delayed++;
      } catch (err) {
        expect((err as { code: number }).code).toBe(14);
        aborted++;
      }
    }
    // 50% ± generous margins (binomial sd ≈ 3.5% at n=200; the delay is measured on answered calls only).
    expect(aborted / n).toBeGreaterThan(0.35);
    expect(aborted / n).toBeLessThan(0.65);
    expect(delayed / (n - aborted)).toBeGreaterThan(0.3);
    expect(delayed / (n - aborted)).toBeLessThan(0.7);
    // A fault with an expiry: every call aborted, then none once it has expired.
    const expiresAt = new Date(Date.now() + 3_000).toISOString();
    await fx.setPolicy('faulty', { fault: { abort: { grpcStatus: 8, percent: 100 }, expiresAt } });
    await eventually(async () => expect(await countInstances(client, 10)).toEqual({ 'error:8': 10 }));
    await eventually(async () => expect(await countInstances(client, 30)).toEqual({ 'f-1': 30 }), 15_000, 250);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
  });

  it('retries hide an instance failing half its calls', async () => {
    const [, bad] = await Promise.all([fx.addInstance('retry', 'r-good'), fx.addInstance('retry', 'r-bad')]);
    bad.backend.failEvery = 2;
    const client = fx.client('retry');
    // Without a retry policy the failures show (so the test below can fail).
    await eventually(async () => expect((await countInstances(client, 100))['error:14']).toBeGreaterThan(5));
    await fx.setPolicy('retry', { retry: { on: ['unavailable'], attempts: 3, backoffBaseMs: 5, backoffMaxMs: 20 } });
    await eventually(async () => expect((await countInstances(client, 50))['error:14']).toBeUndefined());
    const counts = await countInstances(client, 300);
    expect(counts['error:14']).toBeUndefined();
    expect(counts['r-bad']).toBeGreaterThan(0);
  });

  it('outlier detection ejects a failing instance', async () => {
    const [, , bad] = await Promise.all([fx.addInstance('outlier', 'o-1'), fx.addInstance('outlier', 'o-2'), fx.addInstance('outlier', 'o-bad')]);
    bad.backend.failEvery = 1;
    await fx.setPolicy('outlier', {
      outlierDetection: { intervalMs: 300, baseEjectionMs: 60_000, maxEjectionPercent: 50, failurePercentThreshold: 50, minimumHosts: 3, requestVolume: 5 },
    });
    const client = fx.client('outlier');
    await eventually(
      async () => {
        const counts = await countInstances(client, 60);
        expect(counts['error:14']).toBeUndefined();
        expect(Object.keys(counts).sort()).toEqual(['o-1', 'o-2']);
      },
      30_000,
      50,
    );
    const before = bad.backend.calls;
    await countInstances(client, 100);
    expect(bad.backend.calls).toBe(before);
  });

  it('ring hash keeps a key on one instance', async () => {
    await Promise.all([fx.addInstance('hash', 'h-1'), fx.addInstance('hash', 'h-2'), fx.addInstance('hash', 'h-3')]);
    await fx.setPolicy('hash', { lb: { policy: 'ring_hash', hashHeader: 'x-user' } });
    const client = fx.client('hash');
    const owners = await eventually(async () => {
      const seen = new Map<string, string>();
      for (let k = 0; k < 12; k++) {
        const counts = await countInstances(client, 10, { 'x-user': `user-${k}` });
        expect(Object.keys(counts)).toHaveLength(1);
        seen.set(`user-${k}`, Object.keys(counts)[0]);
      }
      return seen;
    });
    expect(new Set(owners.values()).size).toBeGreaterThan(1);
    for (const [key, owner] of owners) expect(await countInstances(client, 5, { 'x-user': key })).toEqual({ [owner]: 5 });
  });

  it('prefers the caller’s zone and fails over to other zones', async () => {
    const [, , b1] = await Promise.all([
      fx.addInstance('zoned', 'z-a1', { zone: 'zone-a' }),
      fx.addInstance('zoned', 'z-a2', { zone: 'zone-a' }),
      fx.addInstance('zoned', 'z-b1', { zone: 'zone-b' }),
    ]);
    await fx.setPolicy('zoned', { zonePreference: true });
    const inA = fx.client('zoned', { zone: 'zone-a' });
    const inB = fx.client('zoned', { zone: 'zone-b' });
    await eventually(async () => expect(Object.keys(await countInstances(inA, 60)).sort()).toEqual(['z-a1', 'z-a2']));
    await eventually(async () => expect(await countInstances(inB, 30)).toEqual({ 'z-b1': 30 }));
    await b1.registration.deregister();
    await eventually(async () => expect(Object.keys(await countInstances(inB, 60)).sort()).toEqual(['z-a1', 'z-a2']));
  });

  it('rejects an invalid policy with field paths and keeps the last good one', async () => {
    await fx.addInstance('guarded', 'g-1', { version: 'v1' });
    await fx.setPolicy('guarded', { retry: { on: ['unavailable'], attempts: 2 } });
    // Written behind the CLI's back: the control plane must refuse it.
    const path = `/mediamesh/policy/guarded`;
    await fx.registry.session.setData(path, Buffer.from(JSON.stringify({ subsets: [{ version: 'v1', weight: 50 }], retry: { on: ['bogus'] } })));
    const status = await eventually(async () => {
      const s = await fx.status();
      expect(s.policyErrors.guarded).toBeDefined();
      return s;
    });
    expect(status.policyErrors.guarded.join('\n')).toMatch(/subsets: weights must sum to 100/);
    expect(status.policyErrors.guarded.join('\n')).toMatch(/retry\.on\[0\]: unknown code bogus/);
    const client = fx.client('guarded');
    expect(await countInstances(client, 10)).toEqual({ 'g-1': 10 });
  });
});
