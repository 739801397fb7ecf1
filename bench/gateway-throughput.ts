/**
 * Gateway throughput: `GET /demo/sample.jpg?imageView2/1/w/200/h/200` through the real
 * chain (gateway → image → storage, three processes, direct mesh mode) against the same
 * operation done by sharp in one process, both driven over HTTP by autocannon at
 * concurrency 4 and 16, side by side in one run. Prints req/s, p50/p99 and the ratio,
 * plus ImageService.Process called directly over gRPC, to tell the gateway's share of the gap, and
 * the CPU milliseconds each process spent per request (on 2 cores the chain's processes share the
 * CPU with each other and the load generator, so CPU per request is what sets the ratio).
 * Both paths are first warmed up until V8 has optimized them (bench/warm-up.ts, BENCH_WARM_UP_REQUESTS,
 * default 15,000 requests each); until the tenth session they were warmed for 2 s, and the chain
 * was measured a third of the way into its warm-up.
 * The chain is loaded with distinct widths (184..215, see distinctThumbnails): the gateway joins identical
 * requests in flight, so one repeated URL would measure the joining.
 * Run: npm run build && npx node dist/bench/gateway-throughput.js [seconds per run, default 8]
 * Every process of the chain runs on the Node that runs the benchmark (launcher/process.ts spawns
 * process.execPath): `npx node …` is the project's Node 24, `/usr/bin/node …` another one, to compare.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import sharp from 'sharp';
import { ImageServiceClient } from '../generated/mediamesh/image/v1/image';
import { allocatorEnv } from '../core/allocator';
import { distEntry } from '../core/paths';
import { startNode, startService, type ManagedProcess } from '../launcher/process';
import { cpuMeter } from './cpu-time';
import { distinctThumbnails } from './tracing-chain';
import { describeWarmUp, warmUpInTurn } from './warm-up';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

const seconds = Number(process.argv[2] ?? 8);
const TOKEN = 'bench-token';

async function run(url: string, connections: number, duration: number, extra: Record<string, unknown> = {}): Promise<AutocannonResult> {
  return autocannon({ url, connections, duration, pipelining: 1, ...extra });
}

/**
 * grpcLoop drives ImageService.Process directly (no gateway) with `connections` closed
 * loops for `duration` seconds: it separates the gateway's own cost from the image
 * service's (which includes its fetch from storage).
 */
async function grpcLoop(client: ImageServiceClient, connections: number, duration: number): Promise<{ rps: number; p50: number; p99: number }> {
  const lat: number[] = [];
  const t0 = performance.now();
  const one = () =>
    new Promise<void>((resolve, reject) =>
      client.process(
        { source: { kind: { $case: 'object', value: { bucket: 'demo', key: 'sample.jpg' } } }, operations: [], fop: 'imageView2/1/w/200/h/200', accept: '', sourceEtag: '' },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() - t0 < duration * 1000) {
        const s = performance.now();
        await one();
        lat.push(performance.now() - s);
      }
    }),
  );
  lat.sort((a, b) => a - b);
  return { rps: lat.length / ((performance.now() - t0) / 1000), p50: Math.round(lat[Math.floor(lat.length * 0.5)]), p99: Math.round(lat[Math.floor(lat.length * 0.99)]) };
}

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-bench-'));
  // Both sides get the allocator the mesh launches image services with (jemalloc when installed).
  const env = { MEDIAMESH_HOME: home, OTEL_SDK_DISABLED: 'true', ...allocatorEnv() };
  const procs: ManagedProcess[] = [];
  try {
    const storage = await startService('services/storage/main.ts', { env });
    procs.push(storage);
    const direct = { MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: storage.address };
    const image = await startService('services/image/main.ts', { env: { ...env, ...direct } });
    procs.push(image);
    const gateway = await startService('services/gateway/main.ts', {
      // The results cache off: every request is processed (bench/vs-imgproxy.ts measures hits).
      env: { ...env, ...direct, MEDIAMESH_DIRECT_IMAGE: image.address, MEDIAMESH_GATEWAY_PORT: '0', MEDIAMESH_ADMIN_TOKEN: TOKEN, MEDIAMESH_RESULT_CACHE_BYTES: '0' },
    });
    procs.push(gateway);
    const baselineProc = startNode(distEntry('bench/gateway-sharp-baseline.ts'), { env });
    procs.push(baselineProc);
    const baselinePort = Number((await baselineProc.waitForLog((l) => l.event === 'serving')).port);

    const base = `http://127.0.0.1:${gateway.port}`;
    const auth = { authorization: `Bearer ${TOKEN}` };
    await fetch(`${base}/v1/buckets`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'demo', visibility: 'public' }) });
    const jpeg = await sharp({ create: { width: 640, height: 427, channels: 3, background: { r: 200, g: 120, b: 40 } } })
      .composite([{ input: Buffer.from('<svg width="640" height="427"><circle cx="320" cy="213" r="150" fill="#2a6"/></svg>'), top: 0, left: 0 }])
      .jpeg({ quality: 85 })
      .toBuffer();
    const put = await fetch(`${base}/demo/sample.jpg`, { method: 'PUT', headers: { ...auth, 'content-type': 'image/jpeg' }, body: jpeg });
    if (!put.ok) throw new Error(`seeding failed: ${put.status} ${await put.text()}`);

    const viaGateway = `${base}/demo/sample.jpg?imageView2/1/w/200/h/200`;
    const viaSharp = `http://127.0.0.1:${baselinePort}/`;
    const check = await fetch(viaGateway);
    const meta = await sharp(Buffer.from(await check.arrayBuffer())).metadata();
    if (check.status !== 200 || meta.width !== 200 || meta.height !== 200) throw new Error(`gateway result is not 200×200: ${check.status} ${meta.width}×${meta.height}`);

    // Warm both paths until V8 has optimized them (bench/warm-up.ts; also sharp's caches, gRPC channels).
    const warmed = (await warmUpInTurn([{ name: 'gateway → image → storage', url: viaGateway, load: distinctThumbnails() }, { name: 'sharp direct', url: viaSharp }], 4)).map(describeWarmUp);

    const imageClient = new ImageServiceClient(image.address, grpc.credentials.createInsecure());
    await grpcLoop(imageClient, 4, 1);

    const rows: string[] = [];
    rows.push(`gateway throughput, Node ${process.version}, ${seconds}s per run, ${os.cpus().length} CPUs, image 640×427 → imageView2/1/w/200/h/200`, ...warmed);
    rows.push('concurrency | path              |   req/s |  p50 ms |  p99 ms | non-2xx');
    const ratios: string[] = [];
    const cpuRows: string[] = [];
    const fmtThreads = (m: Record<string, { main: number; threads: number }>, n: number) =>
      Object.entries(m)
        .filter(([k]) => k !== 'autocannon')
        .map(([k, v]) => `${k} ${(v.main / n).toFixed(2)} / ${(v.threads / n).toFixed(2)}`)
        .join(', ');
    const fmtCpu = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
    for (const c of [4, 16]) {
      const chainCpu = cpuMeter({ gateway: gateway.pid, image: image.pid, storage: storage.pid, autocannon: process.pid });
      const g = await run(viaGateway, c, seconds, distinctThumbnails());
      const chainPerReq = chainCpu.perRequest(g.requests.total);
      const chainThreads = chainCpu.spentByThread();
      const sharpCpu = cpuMeter({ 'sharp server': baselineProc.pid, autocannon: process.pid });
      const s = await run(viaSharp, c, seconds);
      const sharpPerReq = sharpCpu.perRequest(s.requests.total);
      const sharpThreads = sharpCpu.spentByThread();
      const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
      cpuRows.push(`concurrency ${c}: CPU ms per request — chain ${sum(chainPerReq).toFixed(2)} (${fmtCpu(chainPerReq)}); sharp direct ${sum(sharpPerReq).toFixed(2)} (${fmtCpu(sharpPerReq)})`);
      cpuRows.push(`  by thread, JavaScript main / other threads (sharp, fs, GC): chain ${fmtThreads(chainThreads, g.requests.total)}; sharp direct ${fmtThreads(sharpThreads, s.requests.total)}`);
      const d = await grpcLoop(imageClient, c, seconds);
      rows.push(`${String(c).padStart(11)} | gateway→image→st. | ${g.requests.average.toFixed(1).padStart(7)} | ${String(g.latency.p50).padStart(7)} | ${String(g.latency.p99).padStart(7)} | ${g.non2xx + g.errors}`);
      rows.push(`${String(c).padStart(11)} | sharp direct      | ${s.requests.average.toFixed(1).padStart(7)} | ${String(s.latency.p50).padStart(7)} | ${String(s.latency.p99).padStart(7)} | ${s.non2xx + s.errors}`);
      rows.push(`${String(c).padStart(11)} | image gRPC direct | ${d.rps.toFixed(1).padStart(7)} | ${String(d.p50).padStart(7)} | ${String(d.p99).padStart(7)} | 0`);
      ratios.push(
        `concurrency ${c}: gateway/direct req/s ratio = ${(g.requests.average / s.requests.average).toFixed(2)} (target ≥ 0.8); ` +
          `gateway/image-gRPC ratio = ${(g.requests.average / d.rps).toFixed(2)} (the gateway's own overhead)`,
      );
    }
    process.stdout.write(`${rows.join('\n')}\n${cpuRows.join('\n')}\n${ratios.join('\n')}\n`);
    imageClient.close();
  } finally {
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
