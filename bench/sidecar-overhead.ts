/**
 * Sidecar overhead: `GET /demo/sample.jpg?imageView2/1/w/<184..215>/h/200` through gateway → image → storage
 * in three data planes side by side in one run: direct (each process dials the next by address), proxyless
 * (grpc-js-xds over the control plane) and sidecars (an Envoy per process, `npm start`'s default: a request
 * crosses gateway-out, image-in, image-out and storage-in; the bench counts the crossings from Envoy's own
 * `downstream_rq_total`, so a change in what the chain calls cannot skew the per-traversal figure).
 * Untraced and with the gateway's results cache off, so the mesh's own cost shows.
 *
 * Two phases, each in mirrored rounds (direct, proxyless, sidecars, sidecars, proxyless, direct) after every
 * chain is warm (bench/warm-up.ts):
 * - throughput: 8 connections as fast as the chain answers. req/s, CPU ms per request per process (each
 *   Envoy counted), Envoy CPU per traversal.
 * - latency: the same fixed rate offered to every mode (half the slowest mode's throughput; autocannon's
 *   overallRate, coordinated omission corrected), so that p90 compares hops and not queues. At saturation
 *   a closed loop's latency is only its throughput again (8 connections / req/s).
 * - anchor: Envoy's CPU per traversal and the p90 a hop's two proxies add, at Istio's rate, 1,000 req/s
 *   through a proxy (bench/envoy-at-rate.ts).
 *   It depends on the rate (a worker woken for each request pays a cold wake-up each time), and the chain
 *   drives each sidecar at a fifth of that, so the chain's phases print it too, with the rate each saw. Memory: each Envoy's RSS,
 * its private part (RssAnon) and its proportional share (Pss: the binary's code is one file mapped by
 * every sidecar on the host).
 * Targets (issue #21) against Istio's published sidecar cost (0.35 vCPU and 40 MB per 1,000 req/s through a
 * proxy, +2.65 ms p90; Istio 1.12–1.16): sidecars ≥ 0.85× proxyless req/s, Envoy CPU ≤ 0.25 ms per request
 * per proxy traversal, each Envoy's RSS < 40 MB, p90 added per hop < 1 ms.
 * The sidecars run as the launcher tunes them (launcher/envoy.ts, mesh/envoy/bootstrap.ts): one worker
 * thread (--concurrency 1), no access log, stats limited to what operators read (STATS_KEPT).
 * Run: npm run build && npx node dist/bench/sidecar-overhead.js [seconds per window, default 5] [rounds, default 5]
 * Warm-up: BENCH_WARM_UP_REQUESTS per chain (default 15,000).
 */
import * as fs from 'node:fs';
import { startMesh, type LocalMesh } from '../launcher/mesh';
import { cpuMeter } from './cpu-time';
import { envoyAtRate, sidecarTraversals } from './envoy-at-rate';
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
/** Mesh hops of the chain: gateway → image, image → storage. */
const HOPS = 2;
/** Requests a second through a proxy at which Istio publishes its sidecar's cost. */
const ANCHOR_RATE = 1000;

type ModeName = 'direct' | 'proxyless' | 'sidecars';
type PhaseName = 'throughput' | 'latency';

/** Phase is what one mode's windows of one phase added up to. */
interface Phase {
  windows: AutocannonResult[];
  cpuBy: Record<string, number>;
  requests: number;
  /** Proxy traversals counted by the Envoys (sidecars only). */
  traversals: number;
  /** Seconds measured, for the rate each Envoy saw. */
  seconds: number;
}

interface Mode {
  readonly name: ModeName;
  readonly base: string;
  /** Processes whose CPU is counted: the chain's three, and in sidecar mode its Envoys. */
  readonly pids: Record<string, number>;
  /** Admin URLs of the sidecars (sidecar mode). */
  readonly admins: string[];
  readonly phases: Record<PhaseName, Phase>;
  /** Largest memory figures seen per Envoy (kB). */
  readonly memKb: Record<MemField, Record<string, number>>;
}

type MemField = 'Rss' | 'RssAnon' | 'Pss';

/** memKb reads an Envoy's RSS and private RSS (/proc/<pid>/status) and its proportional share (smaps_rollup). */
function memKb(pid: number, field: MemField): number {
  const [file, name] = field === 'Pss' ? ['smaps_rollup', 'Pss'] : ['status', field === 'Rss' ? 'VmRSS' : 'RssAnon'];
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'));
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

function meshProcs(mesh: LocalMesh): Pick<Mode, 'pids' | 'admins'> {
  const pids: Record<string, number> = {};
  const admins: string[] = [];
  for (const [name, p] of [['gateway', mesh.gateway!], ['image', mesh.images[0]!], ['storage', mesh.storage[0]!]] as const) {
    pids[name] = p.pid;
    if (p.sidecar) {
      pids[`${name}-envoy`] = p.sidecar.envoy.pid;
      admins.push(p.sidecar.adminUrl);
    }
  }
  return { pids, admins };
}

/** measure runs one window of a phase on a mode: as fast as it answers, or at `rate` requests a second. */
async function measure(mode: Mode, phase: PhaseName, rate?: number): Promise<void> {
  const into = mode.phases[phase];
  const meter = cpuMeter(mode.pids);
  const crossed = await sidecarTraversals(mode.admins);
  const r = await autocannon({ url: `${mode.base}${THUMBNAIL_PATH}`, connections: CONNECTIONS, duration: seconds, pipelining: 1, ...(rate ? { overallRate: rate } : {}), ...distinctThumbnails() });
  if (r.non2xx || r.errors) throw new Error(`${mode.name}: ${r.non2xx} non-2xx answers and ${r.errors} errors`);
  for (const [name, ms] of Object.entries(meter.spent())) into.cpuBy[name] = (into.cpuBy[name] ?? 0) + ms;
  into.traversals += (await sidecarTraversals(mode.admins)) - crossed;
  into.requests += r.requests.total;
  into.seconds += seconds;
  into.windows.push(r);
  for (const field of ['Rss', 'RssAnon', 'Pss'] as const)
    for (const [name, pid] of Object.entries(mode.pids)) if (name.endsWith('-envoy')) mode.memKb[field][name] = Math.max(mode.memKb[field][name] ?? 0, memKb(pid, field));
  process.stdout.write(`  ${phase} ${mode.name.padEnd(9)} ${r.requests.average.toFixed(1).padStart(7)} req/s  p50 ${r.latency.p50} ms  p90 ${r.latency.p90} ms  p99 ${r.latency.p99} ms\n`);
}

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const rps = (p: Phase) => mean(p.windows.map((w) => w.requests.average));
const lat = (p: Phase, k: 'p50' | 'p90' | 'p99') => mean(p.windows.map((w) => w.latency[k]));
const cpu = (p: Phase, only?: (name: string) => boolean) => Object.entries(p.cpuBy).filter(([n]) => !only || only(n)).reduce((s, [, ms]) => s + ms, 0) / p.requests;
const isEnvoy = (name: string) => name.endsWith('-envoy');

/** report prints a phase's rows for every mode. */
function report(modes: readonly Mode[], phase: PhaseName): void {
  for (const m of modes) {
    const p = m.phases[phase];
    console.log(`${m.name.padEnd(10)} ${rps(p).toFixed(1).padStart(7)} req/s  p50 ${lat(p, 'p50').toFixed(1)} ms  p90 ${lat(p, 'p90').toFixed(1)} ms  p99 ${lat(p, 'p99').toFixed(1)} ms  CPU ${cpu(p).toFixed(2)} ms/req`);
    console.log(`  CPU ms per request: ${Object.entries(p.cpuBy).map(([n, ms]) => `${n} ${(ms / p.requests).toFixed(3)}`).join(', ')}`);
  }
}

/** envoyPerTraversal is the sidecars' CPU per proxy traversal (ms) and the traversals a second each Envoy took. */
function envoyPerTraversal(side: Mode, phase: PhaseName): { ms: number; perRequest: number; perEnvoyRate: number } {
  const p = side.phases[phase];
  const envoyMs = cpu(side.phases[phase], isEnvoy) * p.requests;
  return { ms: envoyMs / p.traversals, perRequest: p.traversals / p.requests, perEnvoyRate: p.traversals / p.seconds / side.admins.length };
}

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
    const fresh = (): Phase => ({ windows: [], cpuBy: {}, requests: 0, traversals: 0, seconds: 0 });
    const modes: Mode[] = [
      { name: 'direct' as const, base: chain.base, pids: { gateway: chain.gateway.pid, image: chain.image.pid, storage: chain.storage.pid }, admins: [] },
      { name: 'proxyless' as const, base: proxyless.gateway!.url, ...meshProcs(proxyless) },
      { name: 'sidecars' as const, base: sidecars.gateway!.url, ...meshProcs(sidecars) },
    ].map((m) => ({ ...m, phases: { throughput: fresh(), latency: fresh() }, memKb: { Rss: {}, RssAnon: {}, Pss: {} } }));
    for (const w of await warmUpInTurn(modes.map((m) => ({ name: m.name, url: `${m.base}${THUMBNAIL_PATH}`, load: distinctThumbnails() })), CONNECTIONS)) console.log(describeWarmUp(w));
    const mirrored = [...modes, ...[...modes].reverse()];
    console.log(`sidecar overhead: ${THUMBNAIL_PATH} (distinct widths) via gateway → image → storage, ${rounds} mirrored rounds of ${seconds} s windows per phase`);
    console.log(`throughput phase: ${CONNECTIONS} connections, as fast as each chain answers`);
    for (let i = 0; i < rounds; i++) for (const m of mirrored) await measure(m, 'throughput');
    const rate = Math.round(Math.min(...modes.map((m) => rps(m.phases.throughput))) / 2);
    console.log(`latency phase: ${rate} req/s offered to every mode (half the slowest mode's throughput)`);
    for (let i = 0; i < rounds; i++) for (const m of mirrored) await measure(m, 'latency', rate);
    console.log(`anchor phase: ${ANCHOR_RATE} StorageService.StatObject calls a second through the gateway's sidecar to storage's, and proxyless beside it, ${rounds} mirrored rounds of 2 × ${seconds} s`);
    const anchor = await envoyAtRate(sidecars, proxyless, { bucket: 'demo', key: 'sample.jpg' }, ANCHOR_RATE, seconds, rounds);
    const showLatency = (l: { p50: number; p90: number; p99: number }) => `p50 ${l.p50.toFixed(2)} ms  p90 ${l.p90.toFixed(2)} ms  p99 ${l.p99.toFixed(2)} ms`;
    console.log(`  sidecars  ${showLatency(anchor.sidecars)}  (${anchor.traversalsPerCall.toFixed(2)} traversals a call; storage itself ${anchor.appMsPerCall.toFixed(3)} ms CPU a call)`);
    console.log(`  proxyless ${showLatency(anchor.proxyless)}  ${anchor.failed} failed in all`);

    const [direct, proxy, side] = modes as [Mode, Mode, Mode];
    console.log('\nthroughput phase');
    report(modes, 'throughput');
    const windowRates = (m: Mode) => m.phases.throughput.windows.map((w) => w.requests.average);
    console.log(`  proxyless / direct ${(rps(proxy.phases.throughput) / rps(direct.phases.throughput)).toFixed(3)}; sidecars / direct ${(rps(side.phases.throughput) / rps(direct.phases.throughput)).toFixed(3)}`);
    console.log(`latency phase, ${rate} req/s offered`);
    report(modes, 'latency');

    const ratio = ratioInterval(windowRates(side), windowRates(proxy));
    const full = envoyPerTraversal(side, 'throughput');
    const atRate = envoyPerTraversal(side, 'latency');
    const mb = (kb: Record<string, number>) => Object.entries(kb).map(([n, v]) => `${n} ${(v / 1024).toFixed(1)} MB`).join(', ');
    const maxMb = (kb: Record<string, number>) => Math.max(...Object.values(kb)) / 1024;
    const p90PerHop = (lat(side.phases.latency, 'p90') - lat(proxy.phases.latency, 'p90')) / HOPS;
    // Istio's anchor, per proxy: 0.35 vCPU per 1,000 req/s = 0.35 ms CPU per request through it.
    console.log('\ntargets (issue #21; Istio 1.12-1.16 publishes 0.35 ms CPU and 40 MB per proxy at 1,000 req/s, +2.65 ms p90):');
    console.log(`  sidecars / proxyless req/s      ${formatInterval(ratio)}  target >= 0.85  ${verdict(ratio.ratio >= 0.85)}`);
    console.log(`  Envoy CPU per proxy traversal   ${anchor.msPerTraversal.toFixed(3)} ms at ${ANCHOR_RATE} req/s through a proxy (the anchor's rate)  target <= 0.25 ms  ${verdict(anchor.msPerTraversal <= 0.25)}`);
    for (const [label, t] of [['throughput', full], ['latency', atRate]] as const)
      console.log(`    in the chain's ${`${label} phase`.padEnd(17)}${t.ms.toFixed(3)} ms (${t.perRequest.toFixed(2)} traversals per request, ${t.perEnvoyRate.toFixed(0)} a second per Envoy)`);
    console.log(`  Envoy RSS                       ${mb(side.memKb.Rss)}  target < 40 MB each  ${verdict(maxMb(side.memKb.Rss) < 40)}`);
    // Most of an Envoy's RSS is its 100 MB binary's code, mapped from one file and shared by every sidecar
    // on the host (RssFile); what each further sidecar costs is its private memory (RssAnon).
    console.log(`    private (RssAnon)             ${mb(side.memKb.RssAnon)}  (< 40 MB each: ${verdict(maxMb(side.memKb.RssAnon) < 40)})`);
    console.log(`    proportional share (Pss)      ${mb(side.memKb.Pss)}  (< 40 MB each: ${verdict(maxMb(side.memKb.Pss) < 40)})`);
    const anchorP90 = anchor.sidecars.p90 - anchor.proxyless.p90;
    console.log(`  p90 added per hop               ${anchorP90.toFixed(2)} ms at ${ANCHOR_RATE} req/s (anchor phase: its two proxies, Istio's method)  target < 1 ms  ${verdict(anchorP90 < 1)}`);
    console.log(`    in the chain's latency phase  ${p90PerHop.toFixed(2)} ms (sidecars p90 − proxyless p90 at ${rate} req/s, over ${HOPS} hops)`);
  } finally {
    for (const m of meshes.reverse()) await m.stop();
    await chain?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
