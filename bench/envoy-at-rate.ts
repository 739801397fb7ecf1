/**
 * envoyAtRate: an Envoy sidecar's CPU per proxy traversal at a given request rate, in the real sidecar
 * mesh (its control plane's listeners, routes, retries, outlier detection), for sidecar-overhead.ts.
 * Istio's published sidecar cost is per 1,000 req/s through a proxy; the thumbnail chain cannot drive a
 * sidecar that fast on 2 cores, and an Envoy's CPU per request falls as its rate rises (a worker woken for
 * each request pays a cold wake-up each time). So this sends `rate` StorageService.StatObject calls a
 * second, on schedule (open loop), into the gateway's sidecar outbound listener: gateway-envoy → storage's
 * sidecar inbound → storage, two traversals a call, counted from the Envoys' own downstream_rq_total.
 * The same calls from a proxyless client (grpc-js-xds, straight to storage) at the same rate, in mirrored
 * windows, are the baseline of the latency the two proxies add: Istio's method (fortio at 1,000 req/s,
 * with and without both sidecars), the condition of its published +2.65 ms p90.
 */
import { createMeshClient } from '../mesh/client';
import { StorageServiceClient } from '../generated/mediamesh/storage/v1/storage';
import type { LocalMesh } from '../launcher/mesh';
import { xdsClient } from './chaos/traffic';
import { cpuMeter } from './cpu-time';
import { mean } from './intervals';

export interface EnvoyAtRate {
  readonly rate: number;
  /** Envoy CPU (both sidecars) per traversal, ms. */
  readonly msPerTraversal: number;
  readonly traversalsPerCall: number;
  /** storage's own CPU per call, ms: what the app behind the proxy spends on the same call. */
  readonly appMsPerCall: number;
  /** Latency of the calls through the sidecars and, at the same rate, proxyless (ms, means of the windows). */
  readonly sidecars: Latency;
  readonly proxyless: Latency;
  readonly failed: number;
}

interface Latency {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** sidecarTraversals is the requests a sidecar's inbound and outbound listeners have taken so far. */
export async function sidecarTraversals(admins: readonly string[]): Promise<number> {
  let n = 0;
  for (const admin of admins) {
    const text = await (await fetch(`${admin}/stats?filter=${encodeURIComponent('^http\\.(inbound|outbound)\\.downstream_rq_total$')}`)).text();
    for (const m of text.matchAll(/: (\d+)$/gm)) n += Number(m[1]);
  }
  return n;
}

/** openLoop sends `rate` calls a second for `seconds`, each when due; latency counts from when it was due. */
function openLoop(call: (done: (err: unknown) => void) => void, rate: number, seconds: number): Promise<Latency & { failed: number }> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let sent = 0;
  let failed = 0;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000));
      for (; sent < due; sent++) {
        const dueAt = t0 + (sent * 1000) / rate;
        call((err) => {
          if (err) failed++;
          latencies.push(performance.now() - dueAt);
          if (latencies.length < total) return;
          clearInterval(tick);
          latencies.sort((a, b) => a - b);
          const at = (q: number) => latencies[Math.floor(total * q)]!;
          resolve({ p50: at(0.5), p90: at(0.9), p99: at(0.99), failed });
        });
      }
    }, 1);
  });
}

/**
 * envoyAtRate measures the gateway's and storage's sidecars at `rate` calls a second, in mirrored windows
 * of `seconds` (sidecars, proxyless, proxyless, sidecars) × rounds, beside the proxyless mesh's storage.
 */
export async function envoyAtRate(sidecarMesh: LocalMesh, proxylessMesh: LocalMesh, object: { bucket: string; key: string }, rate: number, seconds: number, rounds: number): Promise<EnvoyAtRate> {
  const gateway = sidecarMesh.gateway!.sidecar!;
  const storage = sidecarMesh.storage[0]!;
  const viaSidecars = createMeshClient(StorageServiceClient, 'storage', { mode: 'envoy', env: { MEDIAMESH_ENVOY_OUTBOUND: gateway.outbound } });
  const xdsPort = Number(proxylessMesh.env.MEDIAMESH_XDS_SERVER!.split(':').pop());
  const proxyless = xdsClient(StorageServiceClient, 'storage', xdsPort, `bench-anchor-${process.pid}`);
  const admins = [gateway.adminUrl, storage.sidecar!.adminUrl];
  const caller = (client: StorageServiceClient) => (done: (err: unknown) => void) => void client.statObject(object, (err) => done(err));
  const windows: Record<'sidecars' | 'proxyless', Latency[]> = { sidecars: [], proxyless: [] };
  let failed = 0;
  let crossed = 0;
  const spent = { gateway: 0, storage: 0, app: 0 };
  try {
    // Connections up, Envoy's and both storages' paths warm.
    for (const client of [viaSidecars, proxyless]) await openLoop(caller(client), rate, 3);
    for (let i = 0; i < rounds; i++)
      for (const side of ['sidecars', 'proxyless', 'proxyless', 'sidecars'] as const) {
        if (side === 'proxyless') {
          const r = await openLoop(caller(proxyless), rate, seconds / 2);
          failed += r.failed;
          windows.proxyless.push(r);
          continue;
        }
        const meter = cpuMeter({ gateway: gateway.envoy.pid, storage: storage.sidecar!.envoy.pid, app: storage.pid });
        const before = await sidecarTraversals(admins);
        const r = await openLoop(caller(viaSidecars), rate, seconds / 2);
        crossed += (await sidecarTraversals(admins)) - before;
        for (const [name, ms] of Object.entries(meter.spent())) spent[name as keyof typeof spent] += ms;
        failed += r.failed;
        windows.sidecars.push(r);
      }
    const calls = windows.sidecars.length * Math.round((rate * seconds) / 2);
    const latency = (ws: Latency[]): Latency => ({ p50: mean(ws.map((w) => w.p50)), p90: mean(ws.map((w) => w.p90)), p99: mean(ws.map((w) => w.p99)) });
    return {
      rate,
      msPerTraversal: (spent.gateway + spent.storage) / crossed,
      traversalsPerCall: crossed / calls,
      appMsPerCall: spent.app / calls,
      sidecars: latency(windows.sidecars),
      proxyless: latency(windows.proxyless),
      failed,
    };
  } finally {
    viaSidecars.close();
    proxyless.close();
  }
}
