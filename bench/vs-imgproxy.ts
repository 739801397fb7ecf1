/**
 * mediamesh against imgproxy (issue #24's anchor), side by side in one run:
 * (a) cold, every URL distinct (W and H vary from request to request, never repeating, so neither
 *     single flight nor a results cache can help):
 *   - "mm cold, no cache": a gateway with the results cache off (MEDIAMESH_RESULT_CACHE_BYTES=0):
 *     every request makes the chain's calls (gateway → image → storage, direct mesh mode);
 *   - "mm cold": the gateway as shipped (results cache on): a miss each time, but the gateway
 *     knows the source's etag, so the image service uses the source it holds (no storage read);
 *   - "imgproxy" (built by scripts/imgproxy-build.sh; no cache of its own), fetching its source over
 *     HTTP from a local server (bench/source-server.ts) on every request, as users run it;
 * (b) a CDN-miss mix, Zipf s=1.1 over 2,000 URLs on 100 sources (20 sizes each): "mm zipf" (the
 *     gateway as shipped) and "imgproxy zipf";
 * and "mm warm": one URL, every request a HIT (no call at all).
 * The same operation on both: imageView2/1/w/W/h/H/q/80 is imgproxy's rs:fill:W:H/g:ce/q:80
 * (cover-crop to W×H from the centre, JPEG quality 80); 200×200 for the output check.
 * Targets (issue #24): (a) mm cold ≥ 0.8× imgproxy's req/s and p99 ≤ 1.5× at c=16; (b) mm zipf ≥ 3×
 * imgproxy zipf's req/s with a lower p99; the gateway's RSS ≤ its cache bytes + 150 MB after the mix.
 * Every side is warmed up first (bench/warm-up.ts, BENCH_WARM_UP_REQUESTS), then measured by
 * autocannon in alternating rounds (the order rotates each window) at concurrency 4 and 16:
 * req/s, p50/p99, CPU ms per request of each process (/proc/<pid>/stat before and after, the load
 * generator left out), and the ratios. When imgproxy is missing the mediamesh sides still run and
 * the output says how to build it; when it dies during a window (seen with Debian's libvips 8.14 in
 * HTTP-source mode) it is restarted, the window is dropped, and the output says so.
 * Run: npm run build && npx node dist/bench/vs-imgproxy.js [seconds per window, default 8] [rounds, default 3]
 * On a 2-core machine every process, autocannon included, shares the same cores: compare ratios
 * from one run on a quiet machine, not figures across machines.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { allocatorEnv } from '../core/allocator';
import { distEntry } from '../core/paths';
import { startNode, startService, type ManagedProcess } from '../launcher/process';
import { cpuMeter } from './cpu-time';
import { imgproxyBinary, startImgproxy, type Imgproxy } from './imgproxy';
import { zipfSampler } from './zipf';
import { sampleJpeg } from './tracing-chain';
import { describeWarmUp, warmUpInTurn } from './warm-up';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}>;

const seconds = Number(process.argv[2] ?? 8);
const rounds = Number(process.argv[3] ?? 3);
const CONCURRENCY = [4, 16] as const;
const TOKEN = 'bench-token';
const meshPath = (file: string, w: number, h = w) => `/demo/${file}?imageView2/1/w/${w}/h/${h}/q/80`;
const imgproxyPath = (sourcePort: number) => (file: string, w: number, h = w) =>
  `/insecure/rs:fill:${w}:${h}/g:ce/q:80/plain/http://127.0.0.1:${sourcePort}/${file}@jpg`;
type PathOf = (file: string, w: number, h?: number) => string;
/** distinct: the n-th request's size, W and H in 150..349, no pair twice in 40,000 requests. */
function distinct(pathOf: PathOf): () => string {
  let n = 0;
  return () => {
    const i = n++;
    return pathOf('sample.jpg', 150 + (i % 200), 150 + (Math.floor(i / 200) % 200));
  };
}
const ZIPF_SOURCES = 100;
const ZIPF_SIZES = 20;
/** zipf: a CDN-miss mix over ZIPF_SOURCES × ZIPF_SIZES URLs; ranks are spread over sources and sizes by a fixed stride. */
function zipf(pathOf: PathOf): () => string {
  const urls = ZIPF_SOURCES * ZIPF_SIZES;
  const draw = zipfSampler(urls, 1.1, 2024);
  return () => {
    const u = (draw() * 7919) % urls; // 7919 is prime to 2,000: a permutation of the URLs
    return pathOf(zipfFile(u % ZIPF_SOURCES), 120 + 10 * Math.floor(u / ZIPF_SOURCES));
  };
}
const zipfFile = (i: number) => `z${String(i).padStart(3, '0')}.jpg`;

interface Side {
  readonly name: string;
  /** The 200×200 thumbnail's URL (the output check, the warm-up, the warm side's every request). */
  readonly url: string;
  /** The path of the next request when the side's requests vary (distinct or a Zipf mix). */
  readonly nextPath?: () => string;
  /** The processes that serve it, by name (CPU per request of each). */
  pids(): Record<string, number>;
}

interface Window {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuPerRequest: Record<string, number>;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** checkThumbnail fetches a side's URL once: a 200×200 JPEG, its size in bytes. */
async function checkThumbnail(side: Side): Promise<string> {
  const res = await fetch(side.url);
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${side.name}: ${res.status} ${body.toString().slice(0, 200)}`);
  const meta = await sharp(body).metadata();
  if (meta.width !== 200 || meta.height !== 200 || meta.format !== 'jpeg') throw new Error(`${side.name}: ${meta.format} ${meta.width}×${meta.height}, not a 200×200 JPEG`);
  return `${side.name} ${(body.length / 1024).toFixed(1)} KB${res.headers.get('x-cache') ? ` (X-Cache: ${res.headers.get('x-cache')})` : ''}`;
}

/** measure runs one window of a side; undefined when imgproxy died during it (restarted, dropped). */
async function measure(side: Side, c: number, imgproxy: Imgproxy | undefined): Promise<Window | undefined> {
  const meter = cpuMeter(side.pids());
  const next = side.nextPath;
  const requests = next ? [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: next() }) }] : undefined;
  const r = await autocannon({ url: side.url, connections: c, duration: seconds, pipelining: 1, requests });
  if (side.name === 'imgproxy' && (await imgproxy!.ensureUp())) return undefined;
  if (r.non2xx || r.errors) throw new Error(`${side.name} at c=${c}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuPerRequest: meter.perRequest(r.requests.total) };
}

function report(sides: readonly Side[], windows: Map<string, Window[]>, imgproxy: Imgproxy | undefined): string[] {
  const out: string[] = ['concurrency | side              |   req/s (min–max) |  p50 ms |  p99 ms | CPU ms per request (sum: per process)'];
  const key = (side: string, c: number) => `${side}@${c}`;
  for (const c of CONCURRENCY) {
    for (const s of sides) {
      const ws = windows.get(key(s.name, c)) ?? [];
      if (ws.length === 0) {
        out.push(`${String(c).padStart(11)} | ${s.name.padEnd(17)} | no window completed`);
        continue;
      }
      const rps = ws.map((w) => w.rps);
      const cpu = Object.keys(ws[0]!.cpuPerRequest).map((p) => [p, mean(ws.map((w) => w.cpuPerRequest[p]!))] as const);
      out.push(
        `${String(c).padStart(11)} | ${s.name.padEnd(17)} | ${fmt(mean(rps)).padStart(7)} (${fmt(Math.min(...rps), 0)}–${fmt(Math.max(...rps), 0)}) | ` +
          `${fmt(mean(ws.map((w) => w.p50)), 0).padStart(7)} | ${fmt(mean(ws.map((w) => w.p99)), 0).padStart(7)} | ` +
          `${fmt(cpu.reduce((a, [, v]) => a + v, 0), 2)}: ${cpu.map(([p, v]) => `${p} ${fmt(v, 2)}`).join(', ')}`,
      );
    }
  }
  const at = (side: string, c: number, f: (w: Window) => number) => mean((windows.get(key(side, c)) ?? []).map(f));
  const cpuSum = (w: Window) => Object.values(w.cpuPerRequest).reduce((a, b) => a + b, 0);
  out.push('ratios (means over the rounds):');
  for (const c of CONCURRENCY) {
    const rps = (w: Window) => w.rps;
    const p99 = (w: Window) => w.p99;
    const ratio = (a: string, b: string, f: (w: Window) => number) => fmt(at(a, c, f) / at(b, c, f), 2);
    const parts = [`no cache/cache on, cold req/s ${ratio('mm cold, no cache', 'mm cold', rps)}`];
    if (imgproxy) {
      parts.push(
        `(a) mm cold/imgproxy req/s ${ratio('mm cold', 'imgproxy', rps)}, p99 ${ratio('mm cold', 'imgproxy', p99)}, CPU per request ${ratio('mm cold', 'imgproxy', cpuSum)}`,
        `no cache/imgproxy req/s ${ratio('mm cold, no cache', 'imgproxy', rps)}, p99 ${ratio('mm cold, no cache', 'imgproxy', p99)}, CPU per request ${ratio('mm cold, no cache', 'imgproxy', cpuSum)}`,
        `(b) mm zipf/imgproxy zipf req/s ${ratio('mm zipf', 'imgproxy zipf', rps)}, p99 ${ratio('mm zipf', 'imgproxy zipf', p99)}`,
        `mm warm/imgproxy req/s ${ratio('mm warm', 'imgproxy', rps)}`,
      );
    }
    out.push(`  c=${c}: ${parts.join('; ')}`);
  }
  if (imgproxy?.deaths.length) out.push(`imgproxy died ${imgproxy.deaths.length} time(s) under load and was restarted (those windows dropped): ${imgproxy.deaths.join('; ')}`);
  return out;
}

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-vs-imgproxy-'));
  const env = { MEDIAMESH_HOME: home, OTEL_SDK_DISABLED: 'true', ...allocatorEnv() };
  const procs: ManagedProcess[] = [];
  let imgproxy: Imgproxy | undefined;
  const lines: string[] = [];
  try {
    const storage = await startService('services/storage/main.ts', { env });
    procs.push(storage);
    const direct = { MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: storage.address };
    const image = await startService('services/image/main.ts', { env: { ...env, ...direct } });
    procs.push(image);
    const gatewayEnv = { ...env, ...direct, MEDIAMESH_DIRECT_IMAGE: image.address, MEDIAMESH_GATEWAY_PORT: '0', MEDIAMESH_ADMIN_TOKEN: TOKEN };
    const cold = await startService('services/gateway/main.ts', { env: { ...gatewayEnv, MEDIAMESH_INSTANCE_ID: 'gateway-cold', MEDIAMESH_RESULT_CACHE_BYTES: '0' } });
    procs.push(cold);
    // The gateway as shipped (results cache on, its default bound).
    const shipped = await startService('services/gateway/main.ts', { env: { ...gatewayEnv, MEDIAMESH_INSTANCE_ID: 'gateway' } });
    procs.push(shipped);

    const jpeg = await sampleJpeg();
    const base = `http://127.0.0.1:${cold.port}`;
    const auth = { authorization: `Bearer ${TOKEN}` };
    await fetch(`${base}/v1/buckets`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'demo', visibility: 'public' }) });
    // The sample, and the Zipf mix's 100 sources (the sample tinted: each its own bytes and etag).
    const sourceDir = path.join(home, 'sources');
    fs.mkdirSync(sourceDir);
    const sources = new Map([['sample.jpg', jpeg]]);
    for (let i = 0; i < ZIPF_SOURCES; i++)
      sources.set(zipfFile(i), await sharp(jpeg).tint({ r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 }).jpeg({ quality: 85 }).toBuffer());
    for (const [name, body] of sources) {
      fs.writeFileSync(path.join(sourceDir, name), body);
      const put = await fetch(`${base}/demo/${name}`, { method: 'PUT', headers: { ...auth, 'content-type': 'image/jpeg' }, body });
      if (!put.ok) throw new Error(`seeding failed: ${put.status} ${await put.text()}`);
    }

    const shippedBase = `http://127.0.0.1:${shipped.port}`;
    const meshPids = (gateway: ManagedProcess) => () => ({ gateway: gateway.pid, image: image.pid, storage: storage.pid });
    const sides: Side[] = [
      { name: 'mm cold, no cache', url: `${base}${meshPath('sample.jpg', 200)}`, nextPath: distinct(meshPath), pids: meshPids(cold) },
      { name: 'mm cold', url: `${shippedBase}${meshPath('sample.jpg', 200)}`, nextPath: distinct(meshPath), pids: meshPids(shipped) },
      { name: 'mm zipf', url: `${shippedBase}${meshPath(zipfFile(0), 200)}`, nextPath: zipf(meshPath), pids: meshPids(shipped) },
      { name: 'mm warm', url: `${shippedBase}${meshPath('sample.jpg', 200)}`, pids: meshPids(shipped) },
    ];
    const bin = imgproxyBinary();
    if (bin) {
      const source = startNode(distEntry('bench/source-server.ts'), { env: { SOURCE_DIR: sourceDir } });
      procs.push(source);
      const sourcePort = Number((await source.waitForLog((l) => l.event === 'serving')).port);
      const ip = await startImgproxy(bin);
      imgproxy = ip;
      const ipPath = imgproxyPath(sourcePort);
      const ipPids = () => ({ imgproxy: ip.pid(), source: source.pid });
      sides.push(
        { name: 'imgproxy', url: `${ip.base}${ipPath('sample.jpg', 200)}`, nextPath: distinct(ipPath), pids: ipPids },
        { name: 'imgproxy zipf', url: `${ip.base}${ipPath(zipfFile(0), 200)}`, nextPath: zipf(ipPath), pids: ipPids },
      );
    } else {
      lines.push('imgproxy: not built (run `bash scripts/imgproxy-build.sh`, ~7 min on 2 cores): the mediamesh sides only');
    }

    lines.unshift(
      `mediamesh vs imgproxy, Node ${process.version}, ${os.cpus().length} CPUs, ${seconds} s windows, ${rounds} rounds, 640×427 → W×H cover crop, JPEG q80 (cold: every URL distinct; zipf: s=1.1 over ${ZIPF_SOURCES * ZIPF_SIZES} URLs on ${ZIPF_SOURCES} sources; warm: one URL, every request a HIT)`,
      `  thumbnails: ${(await Promise.all(sides.map(checkThumbnail))).join('; ')}`,
    );
    // One side at a time: an imgproxy that dies warming up is restarted and warmed again (said below).
    for (const side of sides) {
      const warm = () => warmUpInTurn([side], 4);
      const done = await warm().catch(async (err) => {
        if (side.name.startsWith('imgproxy') && (await imgproxy!.ensureUp())) return warm();
        throw err;
      });
      lines.push(...done.map(describeWarmUp));
    }
    await imgproxy?.ensureUp();

    const windows = new Map<string, Window[]>();
    for (let round = 0; round < rounds; round++)
      for (const [ci, c] of CONCURRENCY.entries()) {
        // Alternating: each window starts with another side, so no side always follows the same one.
        const shift = (round * CONCURRENCY.length + ci) % sides.length;
        for (const side of [...sides.slice(shift), ...sides.slice(0, shift)]) {
          const w = await measure(side, c, imgproxy);
          if (!w) continue;
          const k = `${side.name}@${c}`;
          windows.set(k, [...(windows.get(k) ?? []), w]);
        }
      }
    lines.push(...report(sides, windows, imgproxy));
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${shipped.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    const cacheMb = Number((await (await fetch(`${shippedBase}/metrics`)).text()).match(/^mediamesh_gateway_result_cache_bytes\{[^}]*memory[^}]*\} ([0-9.e+]+)/m)?.[1] ?? 0) / 2 ** 20;
    lines.push(`gateway (cache on) RSS after the runs: ${fmt(rssMb, 0)} MB, its memory tier holding ${fmt(cacheMb, 1)} MB of a 128 MB bound (target: RSS ≤ bound + 150 MB)`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await imgproxy?.stop();
    for (const p of procs.reverse()) await p.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
