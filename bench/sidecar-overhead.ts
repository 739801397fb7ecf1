/**
 * Sidecar overhead: `GET /demo/sample.jpg?imageView2/1/w/200/h/200` through gateway → image → storage
 * in three data planes side by side in one run: direct (each process dials the next by address), proxyless
 * (grpc-js-xds over the control plane) and sidecars (an Envoy per process, `npm start`'s default: a request
 * crosses four proxies, gateway-out, image-in, image-out, storage-in). Untraced, so the mesh's own cost shows.
 * Windows in mirrored rounds (direct, proxyless, sidecars, sidecars, proxyless, direct) after every chain is
 * warm (bench/warm-up.ts). Prints req/s, p50/p90/p99, CPU ms per request per process (each Envoy counted),
 * each Envoy's RSS, and the issue's targets against Istio's published sidecar cost (0.35 vCPU and 40 MB per
 * 1,000 req/s through a proxy, +2.65 ms p90; Istio 1.12–1.16): sidecars ≥ 0.85× proxyless req/s, Envoy CPU
 * ≤ 0.25 ms per request per proxy traversal, each Envoy's RSS < 40 MB, p90 added per hop < 1 ms.
 * The sidecars run as the launcher tunes them (launcher/envoy.ts, mesh/envoy/bootstrap.ts): one worker
 * thread (--concurrency 1), no access log, stats limited to what operators read (STATS_KEPT).
 * Run: npm run build && node dist/bench/sidecar-overhead.js [seconds per window, default 5] [rounds, default 5]
 * Warm-up: BENCH_WARM_UP_REQUESTS per chain (default 15,000).
 */
import * as fs from 'node:fs';
import { startMesh, type LocalMesh } from '../launcher/mesh';
import { cpuMeter } from './cpu-time';
import { formatInterval, mean, ratioInterval } from './intervals';
import { distinctThumbnails, sampleJpeg, startChain, THUMBNAIL_PATH, type Chain } from './tracing-chain';
import { describeWarmUp, warmUpInTurn } from './warm-up';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number };
  non2xx: number;
  errors: number;
}

const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 5);
const CONNECTIONS = 8;
/** Proxies a thumbnail request crosses in sidecar mode: gateway-out, image-in, image-out, storage-in. */
const TRAVERSALS = 4;
/** Mesh hops of the chain: gateway → image, image → storage. */
const HOPS = 2;

type ModeName = 'direct' | 'proxyless' | 'sidecars';

interface Mode {
  readonly name: ModeName;
  readonly base: string;
  /** Processes whose CPU is counted: the chain's three, and in sidecar mode its Envoys. */
  readonly pids: Record<string, number>;
  windows: AutocannonResult[];
  cpuBy: Record<string, number>;
  requests: number;
  /** Largest RSS seen per Envoy (kB), and of it the private (anonymous) part. */
  rssKb: Record<string, number>;
  anonKb: Record<string, number>;
}

/** memKb reads a /proc/<pid>/status field (VmRSS, RssAnon) in kB. */
function memKb(pid: number, field: 'VmRSS' | 'RssAnon'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** seedMesh makes the public demo bucket and stores the sample through the mesh's gateway. */
async function seedMesh(mesh: LocalMesh, jpeg: Buffer): Promise<void> {
  const gw = mesh.gateway!.url;
  const auth = { authorization: `Bearer ${mesh.adminToken}` };
  const made = await fetch(`${gw}/v1/buckets`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'demo', visibility: 'public' }) });
  if (!made.ok) throw new Error(`create bucket: ${made.status} ${await made.text()}`);
  const put = await fetch(`${gw}/demo/sample.jpg`, { method: 'PUT', headers: { ...auth, 'content-type': 'image/jpeg' }, body: jpeg });
  if (!put.ok) throw new Error(`upload: ${put.status} ${await put.text()}`);
}

function meshPids(mesh: LocalMesh): Record<string, number> {
  const pids: Record<string, number> = { gateway: mesh.gateway!.pid, image: mesh.images[0]!.pid, storage: mesh.storage[0]!.pid };
  for (const [name, p] of [['gateway', mesh.gateway!], ['image', mesh.images[0]!], ['storage', mesh.storage[0]!]] as const) if (p.sidecar) pids[`${name}-envoy`] = p.sidecar.envoy.pid;
  return pids;
}

async function measure(mode: Mode): Promise<void> {
  const meter = cpuMeter(mode.pids);
  const r = await autocannon({ url: `${mode.base}${THUMBNAIL_PATH}`, connections: CONNECTIONS, duration: seconds, pipelining: 1, ...distinctThumbnails() });
  if (r.non2xx || r.errors) throw new Error(`${mode.name}: ${r.non2xx} non-2xx answers and ${r.errors} errors`);
  for (const [name, ms] of Object.entries(meter.spent())) mode.cpuBy[name] = (mode.cpuBy[name] ?? 0) + ms;
  for (const [name, pid] of Object.entries(mode.pids))
    if (name.endsWith('-envoy')) {
      mode.rssKb[name] = Math.max(mode.rssKb[name] ?? 0, memKb(pid, 'VmRSS'));
      mode.anonKb[name] = Math.max(mode.anonKb[name] ?? 0, memKb(pid, 'RssAnon'));
    }
  mode.requests += r.requests.total;
  mode.windows.push(r);
  process.stdout.write(`  window ${mode.name.padEnd(9)} ${r.requests.average.toFixed(1).padStart(7)} req/s  p50 ${r.latency.p50} ms  p90 ${r.latency.p90} ms  p99 ${r.latency.p99} ms\n`);
}

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

async function main(): Promise<void> {
  let chain: Chain | undefined;
  const meshes: LocalMesh[] = [];
  try {
    const jpeg = await sampleJpeg();
    chain = await startChain(undefined);
    await chain.put('demo', 'sample.jpg', jpeg);
    // The results cache off: every request crosses the whole chain.
    const uncached = { MEDIAMESH_RESULT_CACHE_BYTES: '0' };
    const proxyless = await startMesh({ meshMode: 'proxyless', images: 1, video: false, env: uncached });
    meshes.push(proxyless);
    const sidecars = await startMesh({ meshMode: 'envoy', images: 1, video: false, env: uncached });
    meshes.push(sidecars);
    for (const m of meshes) await seedMesh(m, jpeg);
    const modes: Mode[] = [
      { name: 'direct', base: chain.base, pids: { gateway: chain.gateway.pid, image: chain.image.pid, storage: chain.storage.pid } },
      { name: 'proxyless', base: proxyless.gateway!.url, pids: meshPids(proxyless) },
      { name: 'sidecars', base: sidecars.gateway!.url, pids: meshPids(sidecars) },
    ].map((m) => ({ ...m, name: m.name as ModeName, windows: [], cpuBy: {}, requests: 0, rssKb: {}, anonKb: {} }));
    for (const w of await warmUpInTurn(modes.map((m) => ({ name: m.name, url: `${m.base}${THUMBNAIL_PATH}` })), CONNECTIONS)) console.log(describeWarmUp(w));
    console.log(`sidecar overhead: ${THUMBNAIL_PATH} via gateway → image → storage, ${CONNECTIONS} connections, ${rounds} mirrored rounds of ${seconds} s windows`);
    for (let i = 0; i < rounds; i++) for (const m of [...modes, ...[...modes].reverse()]) await measure(m);

    const rps = (m: Mode) => mean(m.windows.map((w) => w.requests.average));
    const lat = (m: Mode, k: 'p50' | 'p90' | 'p99') => mean(m.windows.map((w) => w.latency[k]));
    const cpu = (m: Mode, only?: (name: string) => boolean) => Object.entries(m.cpuBy).filter(([n]) => !only || only(n)).reduce((s, [, ms]) => s + ms, 0) / m.requests;
    const [direct, proxy, side] = modes as [Mode, Mode, Mode];
    for (const m of modes)
      console.log(`${m.name.padEnd(10)} ${rps(m).toFixed(1).padStart(7)} req/s  p50 ${lat(m, 'p50').toFixed(1)} ms  p90 ${lat(m, 'p90').toFixed(1)} ms  p99 ${lat(m, 'p99').toFixed(1)} ms  CPU ${cpu(m).toFixed(2)} ms/req`);
    for (const m of modes) console.log(`  CPU ms per request, ${m.name}: ${Object.entries(m.cpuBy).map(([n, ms]) => `${n} ${(ms / m.requests).toFixed(3)}`).join(', ')}`);
    const windowRates = (m: Mode) => m.windows.map((w) => w.requests.average);
    console.log(`  proxyless / direct ${(rps(proxy) / rps(direct)).toFixed(3)}; sidecars / direct ${(rps(side) / rps(direct)).toFixed(3)}`);

    const ratio = rps(side) / rps(proxy);
    const envoyMs = cpu(side, (n) => n.endsWith('-envoy'));
    const perTraversal = envoyMs / TRAVERSALS;
    const mb = (kb: Record<string, number>) => Object.fromEntries(Object.entries(kb).map(([n, v]) => [n, v / 1024]));
    const rssMb = mb(side.rssKb);
    const anonMb = mb(side.anonKb);
    const maxRss = Math.max(...Object.values(rssMb));
    const maxAnon = Math.max(...Object.values(anonMb));
    const p90PerHop = (lat(side, 'p90') - lat(proxy, 'p90')) / HOPS;
    // Istio's anchor, per proxy: 0.35 vCPU per 1,000 req/s = 0.35 ms CPU per request through it.
    console.log('targets (issue #21; Istio 1.12-1.16 publishes 0.35 ms CPU and 40 MB per proxy at 1,000 req/s, +2.65 ms p90):');
    console.log(`  sidecars / proxyless req/s      ${ratio.toFixed(3)} (windows: ${formatInterval(ratioInterval(windowRates(side), windowRates(proxy)))})  target >= 0.85  ${verdict(ratio >= 0.85)}`);
    console.log(`  Envoy CPU per proxy traversal   ${perTraversal.toFixed(3)} ms (${envoyMs.toFixed(3)} ms per request over ${TRAVERSALS} traversals)  target <= 0.25 ms  ${verdict(perTraversal <= 0.25)}`);
    console.log(`  Envoy RSS                       ${Object.entries(rssMb).map(([n, v]) => `${n} ${v.toFixed(1)} MB`).join(', ')}  target < 40 MB each  ${verdict(maxRss < 40)}`);
    // Most of an Envoy's RSS is its 100 MB binary's code, mapped from one file and shared by every sidecar
    // on the host (RssFile); what each further sidecar costs is its private memory (RssAnon).
    console.log(`    of which private (RssAnon)    ${Object.entries(anonMb).map(([n, v]) => `${n} ${v.toFixed(1)} MB`).join(', ')}  (< 40 MB each: ${verdict(maxAnon < 40)})`);
    console.log(`  p90 added per hop               ${p90PerHop.toFixed(2)} ms (sidecars p90 − proxyless p90, over ${HOPS} hops)  target < 1 ms  ${verdict(p90PerHop < 1)}`);
  } finally {
    for (const m of meshes.reverse()) await m.stop();
    await chain?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
