/**
 * Every traffic policy through real Envoy sidecars: the cases of the grpc-js-xds suite
 * (test/control-plane/traffic-policy.test.ts) with a client sidecar applying the policy and each
 * instance behind its own sidecar's inbound listener (the address ZooKeeper holds), plus what
 * only Envoy does: per-try timeouts and circuit breaking with pending requests, seen in its stats.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distEntry } from '../../core/paths';
import { countInstances, eventually } from '../control-plane/fixtures/mesh-fixture';
import type { EchoClient } from '../control-plane/fixtures/echo-backend';
import { createEnvoyMesh, type EnvoyClient, type EnvoyMesh } from './fixtures/envoy-mesh';

let fx: EnvoyMesh;

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [distEntry('mesh/cli/main.ts'), ...args], { env: { ...process.env, MEDIAMESH_ZK: fx.zk.connectString }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** steadyLoad calls in a loop until stopped; it resolves with the tally by instance (failures as error:<code>). */
function steadyLoad(client: EchoClient): { stop(): Promise<Record<string, number>> } {
  let running = true;
  const tally: Record<string, number> = {};
  const loop = (async () => {
    while (running) for (const [k, v] of Object.entries(await countInstances(client, 5))) tally[k] = (tally[k] ?? 0) + v;
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return tally;
    },
  };
}

/** hostsOf lists the endpoints a client's sidecar holds for a cluster (its admin /clusters). */
async function hostsOf(client: EnvoyClient, cluster: string): Promise<string[]> {
  const text = await client.sidecar.envoy.admin('/clusters');
  return [...text.matchAll(new RegExp(`^${cluster}::(127\\.0\\.0\\.1:\\d+)::cx_active`, 'gm'))].map((m) => m[1]).sort();
}

const failures = (tally: Record<string, number>) => Object.fromEntries(Object.entries(tally).filter(([k]) => k.startsWith('error')));

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

    await fx.addInstance('rr', 'rr-d');
    await eventually(async () => expect((await countInstances(client, 40))['rr-d']).toBeGreaterThan(0));
    await a.registration.deregister();
    await b.registration.update({ health: 'NOT_SERVING' });
    await eventually(async () => expect(Object.keys(await countInstances(client, 60)).sort()).toEqual(['rr-c', 'rr-d']));
    // The sidecar's endpoints are the instances' sidecars (their inbound listeners), as the control plane sent them.
    expect(await hostsOf(client, 'rr')).toEqual([fx.inbound.get('rr-c')!.inbound, fx.inbound.get('rr-d')!.inbound].sort());
  });

  it('splits a 90/10 canary within ±3 points over 1,000 calls, routes a header to v2, and promotes and rolls back with 0 failed calls', async () => {
    await Promise.all([fx.addInstance('canary', 'c-v1a', { version: 'v1' }), fx.addInstance('canary', 'c-v1b', { version: 'v1' }), fx.addInstance('canary', 'c-v2', { version: 'v2' })]);
    await fx.setPolicy('canary', { subsets: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }], headerRoutes: [{ header: 'x-canary', exact: 'yes', version: 'v2' }] });
    const client = await fx.envoyClient('canary');
    await eventually(async () => expect(await countInstances(client, 20, { 'x-canary': 'yes' })).toEqual({ 'c-v2': 20 }));
    const counts = await countInstances(client, 1000);
    const v2 = (counts['c-v2'] ?? 0) / 10;
    expect(v2).toBeGreaterThanOrEqual(7);
    expect(v2).toBeLessThanOrEqual(13);
    expect((counts['c-v1a'] ?? 0) + (counts['c-v1b'] ?? 0) + v2 * 10).toBe(1000);

    const load = steadyLoad(client);
    expect((await cli('canary', 'canary', '--promote', 'v2')).code).toBe(0);
    await eventually(async () => expect(await countInstances(client, 20)).toEqual({ 'c-v2': 20 }));
    expect((await cli('canary', 'canary', '--rollback')).code).toBe(0);
    await eventually(async () => expect(Object.keys(await countInstances(client, 30)).sort()).toEqual(['c-v1a', 'c-v1b']));
    const tally = await load.stop();
    expect(failures(tally)).toEqual({});
    expect(tally['c-v2']).toBeGreaterThan(0);
  });

  it('injects aborts and delays at the configured percentages (mediamesh fault), and drops the fault at its expiry', async () => {
    await fx.addInstance('faulty', 'f-1');
    const client = await fx.envoyClient('faulty');
    await eventually(async () => expect(await countInstances(client, 5)).toEqual({ 'f-1': 5 }));
    const set = await cli('fault', 'faulty', '--abort', '14', '--abort-percent', '50', '--delay', '100ms', '--delay-percent', '50', '--for', '10m');
    expect(set.code).toBe(0);
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
    expect(aborted / n).toBeGreaterThan(0.35);
    expect(aborted / n).toBeLessThan(0.65);
    expect(delayed / (n - aborted)).toBeGreaterThan(0.3);
    expect(delayed / (n - aborted)).toBeLessThan(0.7);
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
    const [, bad] = await Promise.all([fx.addInstance('retry', 'r-good'), fx.addInstance('retry', 'r-bad')]);
    bad.backend.failEvery = 2;
    const client = await fx.envoyClient('retry');
    await eventually(async () => expect((await countInstances(client, 100))['error:14']).toBeGreaterThan(5));
    await fx.setPolicy('retry', { retry: { on: ['unavailable'], attempts: 3, backoffBaseMs: 5, backoffMaxMs: 20 } });
    await eventually(async () => expect((await countInstances(client, 50))['error:14']).toBeUndefined());
    const counts = await countInstances(client, 300);
    expect(counts['error:14']).toBeUndefined();
    expect(counts['r-bad']).toBeGreaterThan(0);
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
    // Retries hide the failing instance's errors from the first call; ejection takes it out of the rotation.
    await eventually(
      async () => {
        expect((await countInstances(client, 20))['error:14']).toBeUndefined();
        expect(await client.stat('cluster.outlier.outlier_detection.ejections_active')).toBe(1);
      },
      30_000,
      50,
    );
    const before = bad.backend.calls;
    expect(Object.keys(await countInstances(client, 100)).sort()).toEqual(['o-1', 'o-2']);
    expect(bad.backend.calls).toBe(before);
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

  it('ring hash keeps a key on one instance', async () => {
    await Promise.all([fx.addInstance('hash', 'h-1'), fx.addInstance('hash', 'h-2'), fx.addInstance('hash', 'h-3')]);
    await fx.setPolicy('hash', { lb: { policy: 'ring_hash', hashHeader: 'x-user' } });
    const client = await fx.envoyClient('hash');
    // Owners are stable once the sidecar holds all three instances (a fourth would move keys).
    await eventually(async () => expect(await hostsOf(client, 'hash')).toHaveLength(3));
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
    const [inA, inB] = await Promise.all([fx.envoyClient('zoned', { zone: 'zone-a' }), fx.envoyClient('zoned', { zone: 'zone-b' })]);
    await eventually(async () => expect(Object.keys(await countInstances(inA, 60)).sort()).toEqual(['z-a1', 'z-a2']));
    await eventually(async () => expect(await countInstances(inB, 30)).toEqual({ 'z-b1': 30 }));
    // A zone-b instance killed with its sidecar is still listed (its ZooKeeper session has not expired):
    // the caller's retry leaves the failed zone at once, so no call fails.
    await fx.inbound.get('z-b1')!.kill();
    const failedOver = await countInstances(inB, 30);
    expect(Object.keys(failedOver).sort()).toEqual(['z-a1', 'z-a2']);
    await b1.registration.deregister();
    await eventually(async () => expect(Object.keys(await countInstances(inB, 60)).sort()).toEqual(['z-a1', 'z-a2']));
  });
});
