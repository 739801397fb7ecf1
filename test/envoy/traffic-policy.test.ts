/**
 * Every traffic policy through real Envoy sidecars: the cases of the grpc-js-xds suite
 * (test/control-plane/traffic-policy.test.ts) with a client sidecar applying the policy and each
 * instance behind its own sidecar's inbound listener (the address ZooKeeper holds), plus what
 * only Envoy does: per-try timeouts and circuit breaking with pending requests, seen in its stats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countInstances, eventually, failedCalls, underLoad } from '../control-plane/fixtures/mesh-fixture';
import { canarySplit, crossZoneShare, faultPercentages, retriesHideFailures, ringHashSticks, roundRobin, zonePreference, type Dial } from '../control-plane/fixtures/policy-scenarios';
import { runCli } from '../harness/cli';
import { createEnvoyMesh, type EnvoyClient, type EnvoyMesh } from './fixtures/envoy-mesh';

let fx: EnvoyMesh;
/** dial: a client sidecar of its own (outbound only) in the zone, dialled with the service as :authority. */
const dial: Dial = (service, opts) => fx.envoyClient(service, opts);
const cli = (...args: string[]) => runCli({ MEDIAMESH_ZK: fx.zk.connectString }, ...args);

/** hostsOf lists the endpoints a client's sidecar holds for a cluster (its admin /clusters). */
async function hostsOf(client: EnvoyClient, cluster: string): Promise<string[]> {
  const text = await client.sidecar.envoy.admin('/clusters');
  return [...text.matchAll(new RegExp(`^${cluster}::(127\\.0\\.0\\.1:\\d+)::cx_active`, 'gm'))].map((m) => m[1]).sort();
}

/** healthOf gives each instance's health flags in a client's sidecar (its admin /clusters), by instance id. */
async function healthOf(client: EnvoyClient, cluster: string, ids: string[]): Promise<Record<string, string>> {
  const text = await client.sidecar.envoy.admin('/clusters');
  return Object.fromEntries(ids.map((id) => [id, new RegExp(`^${cluster}::${fx.inbound.get(id)!.inbound}::health_flags::(.*)$`, 'm').exec(text)?.[1] ?? 'absent']));
}

/** outlierStats: the sidecar's non-zero outlier-detection counters of a cluster (for a failure message). */
async function outlierStats(client: EnvoyClient, cluster: string): Promise<string[]> {
  const text = await client.sidecar.envoy.admin(`/stats?filter=${encodeURIComponent(`^cluster\\.${cluster}\\.(outlier_detection|update_|lb_healthy_panic)`)}`);
  return text.split('\n').filter((l) => l && !/: 0$/.test(l));
}

/** policyInForce: whether the sidecar's cluster has outlier detection and its route retries UNAVAILABLE (its /config_dump). */
async function policyInForce(client: EnvoyClient, service: string): Promise<{ outlierDetection: boolean; retryOnUnavailable: boolean }> {
  const clusters = JSON.parse(await client.sidecar.envoy.admin(`/config_dump?resource=dynamic_active_clusters&name_regex=${encodeURIComponent(`^${service}$`)}`)) as { configs: { cluster: Record<string, unknown> }[] };
  const routes = JSON.parse(await client.sidecar.envoy.admin('/config_dump?resource=dynamic_route_configs')) as {
    configs: { route_config: { virtual_hosts?: { name: string; routes: { route?: { retry_policy?: { retry_on?: string } } }[] }[] } }[];
  };
  const host = routes.configs.flatMap((c) => c.route_config.virtual_hosts ?? []).find((v) => v.name === service);
  return {
    outlierDetection: clusters.configs.some((c) => c.cluster.outlier_detection !== undefined),
    retryOnUnavailable: !!host?.routes.every((r) => r.route?.retry_policy?.retry_on?.split(',').includes('unavailable')),
  };
}

beforeAll(async () => {
  fx = await createEnvoyMesh();
});
afterAll(async () => {
  await fx?.close();
});

describe('Envoy sidecars over the control plane', () => {
  it('round-robins over 3 instances and follows instances added, removed and NOT_SERVING', async () => {
    const client = (await roundRobin(fx, dial)) as EnvoyClient;
    // The sidecar's endpoints are the instances' sidecars (their inbound listeners), as the control plane sent them.
    expect(await hostsOf(client, 'rr')).toEqual([fx.inbound.get('rr-c')!.inbound, fx.inbound.get('rr-d')!.inbound].sort());
  });

  it('splits a 90/10 canary within ±3 points over 1,000 calls, routes a header to v2, and promotes and rolls back with 0 failed calls', async () => {
    const client = await canarySplit(fx, dial);
    const tally = await underLoad(client, async () => {
      expect((await cli('canary', 'canary', '--promote', 'v2')).code).toBe(0);
      await eventually(async () => expect(await countInstances(client, 20)).toEqual({ 'c-v2': 20 }));
      expect((await cli('canary', 'canary', '--rollback')).code).toBe(0);
      await eventually(async () => expect(Object.keys(await countInstances(client, 30)).sort()).toEqual(['c-v1a', 'c-v1b']));
    });
    expect(failedCalls(tally)).toEqual({});
    expect(tally['c-v2']).toBeGreaterThan(0);
  });

  it('injects aborts and delays at the configured percentages (mediamesh fault), and drops the fault at its expiry', async () => {
    await fx.addInstance('faulty', 'f-1');
    const client = await fx.envoyClient('faulty');
    await eventually(async () => expect(await countInstances(client, 5)).toEqual({ 'f-1': 5 }));
    const set = await cli('fault', 'faulty', '--abort', '14', '--abort-percent', '50', '--delay', '100ms', '--delay-percent', '50', '--for', '10m');
    expect(set.code).toBe(0);
    const aborted = await faultPercentages(client);
    // Envoy's fault filter counted them itself.
    expect(await client.stat('http.outbound.fault.aborts_injected')).toBeGreaterThanOrEqual(aborted);

    const expiring = await cli('fault', 'faulty', '--abort', '8', '--for', '3s');
    expect(expiring.code).toBe(0);
    const expiresAt = Date.now() + 3_000;
    await eventually(async () => expect(await countInstances(client, 10)).toEqual({ 'error:8': 10 }));
    await eventually(async () => expect(await countInstances(client, 30)).toEqual({ 'f-1': 30 }), 15_000, 250);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 1_000);
  });

  it('retries hide an instance failing every other call (and without the policy the failures show)', async () => {
    const client = (await retriesHideFailures(fx, dial)) as EnvoyClient;
    expect(await client.stat('cluster.retry.upstream_rq_retry')).toBeGreaterThan(0);
  });

  it('a per-try timeout abandons a slow attempt and retries it on another instance', async () => {
    const [, slow] = await Promise.all([fx.addInstance('pertry', 'p-fast'), fx.addInstance('pertry', 'p-slow')]);
    slow.backend.delayMs = 1_000;
    const client = await fx.envoyClient('pertry');
    // Without a per-try timeout, calls landing on the slow instance take its full second.
    await eventually(async () => expect(Object.keys(await countInstances(client, 6)).sort()).toEqual(['p-fast', 'p-slow']), 20_000);
    await fx.setPolicy('pertry', { retry: { on: ['unavailable'], attempts: 2, perTryTimeoutMs: 150 } });
    await eventually(async () => expect(await countInstances(client, 6)).toEqual({ 'p-fast': 6 }), 20_000);
    // A call meeting the slow instance first waits one per-try timeout (and a back-off), never its second.
    for (let i = 0; i < 20; i++) {
      const t0 = Date.now();
      expect((await client.call()).instance).toBe('p-fast');
      expect(Date.now() - t0).toBeLessThan(700);
    }
    expect(await client.stat('cluster.pertry.upstream_rq_per_try_timeout')).toBeGreaterThan(0);
  });

  it('outlier detection ejects a failing instance', async () => {
    const [, , bad] = await Promise.all([fx.addInstance('outlier', 'o-1'), fx.addInstance('outlier', 'o-2'), fx.addInstance('outlier', 'o-bad')]);
    bad.backend.failEvery = 1;
    await fx.setPolicy('outlier', {
      retry: { on: ['unavailable'], attempts: 2 },
      outlierDetection: { intervalMs: 300, baseEjectionMs: 60_000, maxEjectionPercent: 50, failurePercentThreshold: 50, minimumHosts: 3, requestVolume: 5 },
    });
    const client = await fx.envoyClient('outlier');
    // Calls start once the sidecar holds the policy: a cluster replaced by a later CDS update starts
    // with fresh hosts, ejections forgotten (seen: a rewrite of the cluster re-admits an ejected host).
    await eventually(async () => expect(await policyInForce(client, 'outlier')).toEqual({ outlierDetection: true, retryOnUnavailable: true }), 20_000);
    // Retries hide the failing instance's errors from the first call; ejection takes it, and only it,
    // out of the rotation (the ejections_active gauge would also count a good instance ejected).
    const health = () => healthOf(client, 'outlier', ['o-1', 'o-2', 'o-bad']);
    await eventually(
      async () => {
        expect((await countInstances(client, 20))['error:14']).toBeUndefined();
        expect(await health()).toEqual({ 'o-1': 'healthy', 'o-2': 'healthy', 'o-bad': '/failed_outlier_check' });
      },
      30_000,
      50,
    );
    const before = bad.backend.calls;
    expect(Object.keys(await countInstances(client, 100)).sort()).toEqual(['o-1', 'o-2']);
    expect(bad.backend.calls, JSON.stringify({ health: await health(), stats: await outlierStats(client, 'outlier') })).toBe(before);
  });

  it('circuit breaking fails calls beyond max requests and pending at once; the overflow shows in Envoy’s stats', async () => {
    const one = await fx.addInstance('breaker', 'cb-1');
    one.backend.delayMs = 300;
    await fx.setPolicy('breaker', { circuitBreaker: { maxRequests: 2, maxPendingRequests: 1 } });
    const client = await fx.envoyClient('breaker');
    await eventually(async () => expect(await countInstances(client, 1)).toEqual({ 'cb-1': 1 }));
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        client.call().then(
          (r) => r.instance,
          (err: { code: number; details: string }) => `error:${err.code}:${err.details}`,
        ),
      ),
    );
    const answered = results.filter((r) => r === 'cb-1').length;
    const overflowed = results.filter((r) => r.startsWith('error:14'));
    expect(answered).toBeGreaterThanOrEqual(2);
    expect(answered).toBeLessThanOrEqual(3);
    expect(answered + overflowed.length).toBe(12);
    expect(overflowed[0]).toMatch(/overflow/);
    // Envoy counts calls refused by max_requests as active overflow, by max_pending_requests as pending overflow.
    const refused = (await client.stat('cluster.breaker.upstream_rq_active_overflow')) + (await client.stat('cluster.breaker.upstream_rq_pending_overflow'));
    expect(refused).toBe(overflowed.length);
  });

  it('retries every call of a burst meeting a dead instance: no cap on retries in flight (Envoy’s default is 3)', async () => {
    await Promise.all([fx.addInstance('burst', 'bu-1'), fx.addInstance('burst', 'bu-2')]);
    await fx.setPolicy('burst', { retry: { on: ['unavailable'], attempts: 2 } });
    const client = await fx.envoyClient('burst');
    await eventually(async () => expect(Object.keys(await countInstances(client, 20)).sort()).toEqual(['bu-1', 'bu-2']));
    // Killed with its sidecar and still listed: half the calls meet it first and need their retry at once.
    await fx.inbound.get('bu-2')!.kill();
    const results = await Promise.all(Array.from({ length: 60 }, () => client.call().then((r) => r.instance, (err: { code: number }) => `error:${err.code}`)));
    expect(results.filter((r) => r !== 'bu-1')).toEqual([]);
    expect(await client.stat('cluster.burst.upstream_rq_retry')).toBeGreaterThan(0);
    expect(await client.stat('cluster.burst.upstream_rq_retry_overflow')).toBe(0);
  });

  it('ring hash keeps a key on one instance', async () => {
    // Owners are stable once the sidecar holds all three instances (a fourth would move keys).
    await ringHashSticks(fx, dial, (client) => eventually(async () => expect(await hostsOf(client as EnvoyClient, 'hash')).toHaveLength(3)));
  });

  it('with crossZonePercent keeps that share of the calls on the other zone, and leaves a dead zone at once', async () => {
    // Killed with their sidecars, the zone-a instances are still listed: a call's retry must leave their zone.
    await crossZoneShare(fx, dial, () => Promise.all(['w-a1', 'w-a2'].map((id) => fx.inbound.get(id)!.kill())));
  });

  it('prefers the caller’s zone and fails over to other zones, at once when a zone’s instance dies', async () => {
    await zonePreference(fx, dial, async (inB) => {
      // Killed with its sidecar, zone-b's instance is still listed (its ZooKeeper session has not
      // expired): the caller's retry leaves the failed zone at once, so no call fails.
      await fx.inbound.get('z-b1')!.kill();
      expect(Object.keys(await countInstances(inB, 30)).sort()).toEqual(['z-a1', 'z-a2']);
    });
  });
});
