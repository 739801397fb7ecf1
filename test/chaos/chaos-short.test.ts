/**
 * The short chaos run inside `npm test`: the same phases as `npm run chaos` (Chaos Monkey,
 * Latency Monkey, Chaos Gorilla, ZooKeeper down past the 6 s session timeout, control-plane
 * restart) under HTTP + xds:/// gRPC load on the real mesh with an Envoy sidecar per process (the
 * default mesh), judged by the same targets but one.
 */
import { describe, expect, it } from 'vitest';
import { runChaos, SHORT_PLAN } from '../../bench/chaos/run-chaos';

describe('chaos (short)', () => {
  it('keeps every request answered through kills, latency, a zone outage, ZooKeeper and control-plane restarts', async () => {
    const lines: string[] = [];
    // With sidecars, as `npm start` and `npm run chaos` run the mesh.
    const result = await runChaos({ plan: SHORT_PLAN, sessionTimeoutMs: 6000, log: (l) => lines.push(l), meshMode: 'envoy' });
    process.stdout.write(lines.join('\n') + '\n');

    // Every window saw load, so "0 failed" means something; the zone outage's first second holds
    // the steady rate sent on schedule (open loop), every request in flight during it judged.
    for (const w of result.windows) expect(w.sent, w.phase).toBeGreaterThan(20);
    expect(result.total.sent).toBeGreaterThan(1000);
    // The Latency Monkey really delayed calls (the fault went through the policy to the clients).
    const latency = result.windows.find((w) => w.phase.startsWith('latency monkey'))!;
    expect(latency.p99).toBeGreaterThanOrEqual(SHORT_PLAN.latencyDelayMs);
    expect(lines.filter((l) => / {2}kill -9 /.test(l))).toHaveLength(SHORT_PLAN.monkeyKills + 1);
    expect(result.corrupted).toEqual([]);
    // Every target of `npm run chaos` (0 failed in every window and between them, every scheduled
    // request sent) but the first second's p99 < 300 ms: that one is a latency figure, judged by
    // the full run on a quiet machine; here the mesh shares the machine with every other suite.
    const gorillaFirst = result.windows.find((w) => w.phase.endsWith('1st s'))!;
    expect(result.missed.filter((m) => !m.startsWith(`${gorillaFirst.phase}: p99`))).toEqual([]);
    expect(lines.at(-1)).toBe(`chaos: ${result.total.sent} requests, ${result.total.failed} failed`);
  }, 240_000);
});
