/**
 * The mesh end to end: real ZooKeeper, the compiled control plane process, real echo
 * backends registered through the registry, and real grpc-js-xds clients (`xds:///<svc>`),
 * each with its own bootstrap. Every scenario uses its own service name; the scenarios shared with
 * the Envoy suite (test/envoy/traffic-policy.test.ts) live in fixtures/policy-scenarios.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countInstances, createMeshFixture, eventually, type MeshFixture } from './fixtures/mesh-fixture';
import { canarySplit, crossZoneShare, faultPercentages, retriesHideFailures, ringHashSticks, roundRobin, zonePreference, type Dial } from './fixtures/policy-scenarios';

let fx: MeshFixture;
/** dial: a grpc-js-xds channel with its own bootstrap (its own ADS stream). */
const dial: Dial = async (service, opts) => fx.client(service, opts);

beforeAll(async () => {
  fx = await createMeshFixture();
});
afterAll(async () => {
  await fx?.close();
});

describe('proxyless mesh over the control plane', () => {
  it('round-robins over 3 instances and follows instances added and removed in ZooKeeper', async () => {
    await roundRobin(fx, dial);
    const status = await fx.status();
    const node = status.nodes.find((n) => n.types.EDS);
    expect(node?.types.EDS.status).toMatch(/ACKED|STALE/);
  });

  it('splits a 90/10 canary within ±3 points over 1,000 calls and routes a header to v2', async () => {
    await canarySplit(fx, dial);
  });

  it('injects aborts and delays at the configured percentages, and drops the fault at its expiry', async () => {
    await fx.addInstance('faulty', 'f-1');
    const client = fx.client('faulty');
    await eventually(async () => expect(await countInstances(client, 5)).toEqual({ 'f-1': 5 }));
    await fx.setPolicy('faulty', { fault: { abort: { grpcStatus: 14, percent: 50 }, delay: { ms: 100, percent: 50 } } });
    await faultPercentages(client);
    // A fault with an expiry: every call aborted, then none once it has expired.
    const expiresAt = new Date(Date.now() + 3_000).toISOString();
    await fx.setPolicy('faulty', { fault: { abort: { grpcStatus: 8, percent: 100 }, expiresAt } });
    await eventually(async () => expect(await countInstances(client, 10)).toEqual({ 'error:8': 10 }));
    await eventually(async () => expect(await countInstances(client, 30)).toEqual({ 'f-1': 30 }), 15_000, 250);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
  });

  it('retries hide an instance failing half its calls', async () => {
    await retriesHideFailures(fx, dial);
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
    await ringHashSticks(fx, dial);
  });

  it('prefers the caller’s zone and fails over to other zones', async () => {
    await zonePreference(fx, dial);
  });

  it('with crossZonePercent keeps that share of the calls on the other zones, and leaves a dead zone at once', async () => {
    await crossZoneShare(fx, dial, (zoneA) => Promise.all(zoneA.map((i) => i.backend.stop())));
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
