/**
 * envoyAtRate: an Envoy sidecar's CPU per proxy traversal at a given request rate, in the real sidecar
 * mesh (its control plane's listeners, routes, retries, outlier detection), for sidecar-overhead.ts.
 * Istio's published sidecar cost is per 1,000 req/s through a proxy; the thumbnail chain cannot drive a
 * sidecar that fast on 2 cores, and an Envoy's CPU per request falls as its rate rises (a worker woken for
 * each request pays a cold wake-up each time). So this sends `rate` StorageService.StatObject calls a
 * second, on schedule (open loop), into the gateway's sidecar outbound listener: gateway-envoy → storage's
 * sidecar inbound → storage, two traversals a call, counted from the Envoys' own downstream_rq_total.
 */
import { createMeshClient } from '../mesh/client';
import { StorageServiceClient } from '../generated/mediamesh/storage/v1/storage';
import type { LocalMesh } from '../launcher/mesh';
import { cpuMeter } from './cpu-time';

export interface EnvoyAtRate {
  readonly rate: number;
  /** Envoy CPU (both sidecars) per traversal, ms. */
  readonly msPerTraversal: number;
  readonly traversalsPerCall: number;
  /** storage's own CPU per call, ms: what the app behind the proxy spends on the same call. */
  readonly appMsPerCall: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: number;
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
function openLoop(call: (done: (err: unknown) => void) => void, rate: number, seconds: number): Promise<{ p50: number; p99: number; failed: number }> {
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
          resolve({ p50: latencies[Math.floor(total / 2)]!, p99: latencies[Math.floor(total * 0.99)]!, failed });
        });
      }
    }, 1);
  });
}

/** envoyAtRate measures the gateway's and storage's sidecars at `rate` calls a second for `seconds`. */
export async function envoyAtRate(mesh: LocalMesh, bucket: string, key: string, rate: number, seconds: number): Promise<EnvoyAtRate> {
  const gateway = mesh.gateway!.sidecar!;
  const storage = mesh.storage[0]!;
  const client = createMeshClient(StorageServiceClient, 'storage', { mode: 'envoy', env: { MEDIAMESH_ENVOY_OUTBOUND: gateway.outbound } });
  const admins = [gateway.adminUrl, storage.sidecar!.adminUrl];
  const call = (done: (err: unknown) => void) => void client.statObject({ bucket, key }, (err) => done(err));
  try {
    await openLoop(call, rate, Math.min(seconds, 3)); // connections up, Envoy's and storage's paths warm
    const meter = cpuMeter({ gateway: gateway.envoy.pid, storage: storage.sidecar!.envoy.pid, app: storage.pid });
    const before = await sidecarTraversals(admins);
    const r = await openLoop(call, rate, seconds);
    const crossed = (await sidecarTraversals(admins)) - before;
    const spent = meter.spent();
    const calls = Math.round(rate * seconds);
    return { rate, msPerTraversal: (spent.gateway! + spent.storage!) / crossed, traversalsPerCall: crossed / calls, appMsPerCall: spent.app! / calls, ...r };
  } finally {
    client.close();
  }
}
