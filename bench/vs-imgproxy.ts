/**
 * mediamesh against imgproxy (issue #24's anchor) on one thumbnail, side by side in one run:
 * - mediamesh cold: a gateway with the results cache off (MEDIAMESH_RESULT_CACHE_BYTES=0) and every
 *   URL distinct (the size varies from request to request, so single flight never joins two), so
 *   every request makes the chain's calls (gateway → image → storage, direct mesh mode);
 * - mediamesh warm: a second gateway on the same services with the results cache on, so every
 *   request after the first is a HIT (no call at all);
 * - imgproxy (built by scripts/imgproxy-build.sh; no cache of its own), fetching its source over
 *   HTTP from a local server (bench/source-server.ts) on every request, as users run it, with the
 *   same distinct URLs as the cold side.
 * The same source (the 640×427 sample) and the same operation: imageView2/1/w/W/h/W/q/80 is
 * imgproxy's rs:fill:W:W/g:ce/q:80 (cover-crop to W×W from the centre, JPEG quality 80), W from
 * 150 to 349 in turn (200 for the warm side and the output check).
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
const meshPath = (w: number) => `/demo/sample.jpg?imageView2/1/w/${w}/h/${w}/q/80`;
const imgproxyPath = (w: number, sourcePort: number) => `/insecure/rs:fill:${w}:${w}/g:ce/q:80/plain/http://127.0.0.1:${sourcePort}/sample.jpg@jpg`;
/** widthOf is the size of the n-th request of a side whose URLs vary: 150..349 in turn. */
const widthOf = (n: number) => 150 + (n % 200);

interface Side {
  readonly name: string;
  /** The 200×200 thumbnail's URL (the output check, the warm-up, the warm side's every request). */
  readonly url: string;
  /** The path of the n-th request when every request is to be distinct. */
  readonly variedPath?: (n: number) => string;
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
  let n = 0;
  const varied = side.variedPath;
  const requests = varied ? [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: varied(n++) }) }] : undefined;
  const r = await autocannon({ url: side.url, connections: c, duration: seconds, pipelining: 1, requests });
  if (side.name === 'imgproxy' && (await imgproxy!.ensureUp())) return undefined;
  if (r.non2xx || r.errors) throw new Error(`${side.name} at c=${c}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuPerRequest: meter.perRequest(r.requests.total) };
}

function report(sides: readonly Side[], windows: Map<string, Window[]>, imgproxy: Imgproxy | undefined): string[] {
  const out: string[] = ['concurrency | side            |   req/s (min–max) |  p50 ms |  p99 ms | CPU ms per request (sum: per process)'];
  const key = (side: string, c: number) => `${side}@${c}`;
  for (const c of CONCURRENCY) {
    for (const s of sides) {
      const ws = windows.get(key(s.name, c)) ?? [];
      if (ws.length === 0) {
        out.push(`${String(c).padStart(11)} | ${s.name.padEnd(15)} | no window completed`);
        continue;
      }
      const rps = ws.map((w) => w.rps);
      const cpu = Object.keys(ws[0]!.cpuPerRequest).map((p) => [p, mean(ws.map((w) => w.cpuPerRequest[p]!))] as const);
      out.push(
        `${String(c).padStart(11)} | ${s.name.padEnd(15)} | ${fmt(mean(rps)).padStart(7)} (${fmt(Math.min(...rps), 0)}–${fmt(Math.max(...rps), 0)}) | ` +
          `${fmt(mean(ws.map((w) => w.p50)), 0).padStart(7)} | ${fmt(mean(ws.map((w) => w.p99)), 0).padStart(7)} | ` +
          `${fmt(cpu.reduce((a, [, v]) => a + v, 0), 2)}: ${cpu.map(([p, v]) => `${p} ${fmt(v, 2)}`).join(', ')}`,
      );
    }
  }
  const at = (side: string, c: number, f: (w: Window) => number) => mean((windows.get(key(side, c)) ?? []).map(f));
  const cpuSum = (w: Window) => Object.values(w.cpuPerRequest).reduce((a, b) => a + b, 0);
  out.push('ratios (means over the rounds):');
  for (const c of CONCURRENCY) {
    const parts = [`warm/cold req/s ${fmt(at('mediamesh warm', c, (w) => w.rps) / at('mediamesh cold', c, (w) => w.rps), 2)}`];
    if (imgproxy) {
      const ip = (f: (w: Window) => number) => at('imgproxy', c, f);
      parts.push(
        `cold/imgproxy req/s ${fmt(at('mediamesh cold', c, (w) => w.rps) / ip((w) => w.rps), 2)}`,
        `warm/imgproxy req/s ${fmt(at('mediamesh warm', c, (w) => w.rps) / ip((w) => w.rps), 2)}`,
        `p99 cold/imgproxy ${fmt(at('mediamesh cold', c, (w) => w.p99) / ip((w) => w.p99), 2)}`,
        `p99 warm/imgproxy ${fmt(at('mediamesh warm', c, (w) => w.p99) / ip((w) => w.p99), 2)}`,
        `CPU per request cold/imgproxy ${fmt(at('mediamesh cold', c, cpuSum) / ip(cpuSum), 2)}`,
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
    const warm = await startService('services/gateway/main.ts', { env: { ...gatewayEnv, MEDIAMESH_INSTANCE_ID: 'gateway-warm' } });
    procs.push(warm);

    const jpeg = await sampleJpeg();
    const base = `http://127.0.0.1:${cold.port}`;
    const auth = { authorization: `Bearer ${TOKEN}` };
    await fetch(`${base}/v1/buckets`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'demo', visibility: 'public' }) });
    const put = await fetch(`${base}/demo/sample.jpg`, { method: 'PUT', headers: { ...auth, 'content-type': 'image/jpeg' }, body: jpeg });
    if (!put.ok) throw new Error(`seeding failed: ${put.status} ${await put.text()}`);

    const sides: Side[] = [
      {
        name: 'mediamesh cold',
        url: `${base}${meshPath(200)}`,
        variedPath: (n) => meshPath(widthOf(n)),
        pids: () => ({ gateway: cold.pid, image: image.pid, storage: storage.pid }),
      },
      { name: 'mediamesh warm', url: `http://127.0.0.1:${warm.port}${meshPath(200)}`, pids: () => ({ gateway: warm.pid, image: image.pid, storage: storage.pid }) },
    ];
    const bin = imgproxyBinary();
    if (bin) {
      const sourceFile = path.join(home, 'sample.jpg');
      fs.writeFileSync(sourceFile, jpeg);
      const source = startNode(distEntry('bench/source-server.ts'), { env: { SOURCE_FILE: sourceFile } });
      procs.push(source);
      const sourcePort = Number((await source.waitForLog((l) => l.event === 'serving')).port);
      const ip = await startImgproxy(bin);
      imgproxy = ip;
      sides.push({
        name: 'imgproxy',
        url: `${ip.base}${imgproxyPath(200, sourcePort)}`,
        variedPath: (n) => imgproxyPath(widthOf(n), sourcePort),
        pids: () => ({ imgproxy: ip.pid(), source: source.pid }),
      });
    } else {
      lines.push('imgproxy: not built (run `bash scripts/imgproxy-build.sh`, ~7 min on 2 cores): the mediamesh sides only');
    }

    lines.unshift(
      `mediamesh vs imgproxy, Node ${process.version}, ${os.cpus().length} CPUs, ${seconds} s windows, ${rounds} rounds, 640×427 → W×W cover crop, JPEG q80 (cold and imgproxy: W varies 150–349, every URL distinct; warm: 200×200, every request a HIT)`,
      `  thumbnails: ${(await Promise.all(sides.map(checkThumbnail))).join('; ')}`,
    );
    lines.push(...(await warmUpInTurn(sides, 4)).map(describeWarmUp));
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
