/**
 * `npm run soak` (node dist/bench/soak.js [--duration 600] [--measure 20]): a long run at
 * about 80 % of the gateway's measured maximum throughput. First a closed loop finds the
 * maximum (requests/s) for --measure seconds, then an open loop sends at 80 % of it for
 * --duration seconds (SOAK_DURATION_S / SOAK_MEASURE_S also work), sampling every
 * process's RSS. Prints per-window throughput and p99, the p99 drift (last window vs
 * first) and each process's RSS growth (end vs after the first window; target < 10 %).
 */
import { sharp } from '../services/image/sharp';
import { startMesh, type LocalMesh } from '../launcher/mesh';
import { percentile, vmRssKb } from './chaos/stats';

interface Args {
  readonly durationS: number;
  readonly measureS: number;
  readonly loadFactor: number;
}

function parseArgv(argv: string[]): Args {
  const get = (name: string, env: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    const raw = i >= 0 ? argv[i + 1] : process.env[env];
    const v = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} / ${env} must be a positive number, got ${JSON.stringify(raw)}`);
    return v;
  };
  return { durationS: get('duration', 'SOAK_DURATION_S', 600), measureS: get('measure', 'SOAK_MEASURE_S', 20), loadFactor: get('load', 'SOAK_LOAD', 0.8) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** once sends one request of the mix and returns its latency (or throws on a non-200). */
async function once(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return performance.now() - t0;
}

/** measureMax: closed loop with 16 clients for `seconds`; requests per second. */
async function measureMax(urls: string[], seconds: number): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: 16 }, async (_, i) => {
    for (let n = i; Date.now() < until; n++) {
      await once(urls[n % urls.length]).catch(() => undefined);
      done++;
    }
  }));
  return done / seconds;
}

interface WindowStats {
  sent: number;
  failed: number;
  latencies: number[];
}

/** gatewayHeap reads the gateway's V8 heap used and total from its /metrics (undefined if it does not answer). */
async function gatewayHeap(gw: string): Promise<{ used: number; total: number } | undefined> {
  try {
    const text = await (await fetch(`${gw}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    // The runtime metrics give the heap by space (v8js_memory_heap_used{v8js_heap_space_name="old_space"} …): add them up.
    const sum = (name: string) => {
      const values = [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'gm'))].map((m) => Number(m[1]));
      return values.length ? values.reduce((a, b) => a + b, 0) : NaN;
    };
    return { used: sum('v8js_memory_heap_used'), total: sum('v8js_memory_heap_space_size') };
  } catch {
    return undefined;
  }
}

/** main runs the soak; resolves with the exit code (1 when RSS grew ≥ 10 %). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const args = parseArgv(argv);
  const out = (s: string) => process.stdout.write(s + '\n');
  // The results cache off: the soak keeps the processing path busy, not the cache.
  const mesh: LocalMesh = await startMesh({ images: 2, video: false, env: { MEDIAMESH_RESULT_CACHE_BYTES: '0' } });
  try {
    const gw = mesh.gateway!.url;
    const auth = { authorization: `Bearer ${mesh.adminToken}` };
    await fetch(`${gw}/v1/buckets`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":"soak","visibility":"public"}' });
    const jpg = await sharp({ create: { width: 640, height: 427, channels: 3, background: '#4a7a9a' } }).jpeg().toBuffer();
    await fetch(`${gw}/soak/sample.jpg`, { method: 'PUT', headers: { ...auth, 'content-type': 'image/jpeg' }, body: jpg });
    const urls = [`${gw}/soak/sample.jpg?imageView2/1/w/120/h/120`, `${gw}/soak/sample.jpg`, `${gw}/soak/sample.jpg?imageInfo`];

    const max = await measureMax(urls, args.measureS);
    const rate = max * args.loadFactor;
    out(`Node ${process.version}; max throughput ${max.toFixed(0)} req/s (16 closed-loop clients, ${args.measureS} s); soaking at ${rate.toFixed(0)} req/s for ${args.durationS} s`);

    const procs = [['gateway', mesh.gateway!], ...mesh.storage.map((s) => ['storage', s] as const), ...mesh.images.map((s, i) => [`image-${i + 1}`, s] as const)] as const;
    const windowCount = Math.max(1, Math.min(10, Math.floor(args.durationS / 5)));
    const windowMs = (args.durationS * 1000) / windowCount;
    const windows: WindowStats[] = Array.from({ length: windowCount }, () => ({ sent: 0, failed: 0, latencies: [] }));
    // RSS sampled every second, per window; growth compares the mean of the last window with
    // the mean of the second (the first still holds allocator and cache warm-up).
    const rss: number[][][] = Array.from({ length: windowCount }, () => []);
    // The gateway's V8 heap (from its /metrics) beside its RSS: a leak climbs in heap used.
    const heap: Array<Array<{ used: number; total: number }>> = Array.from({ length: windowCount }, () => []);
    let tick = 0;
    const sampler = setInterval(() => {
      const w = Math.min(windowCount - 1, Math.floor((Date.now() - started) / windowMs));
      rss[w].push(procs.map(([, p]) => vmRssKb(p.pid) ?? 0));
      if (tick++ % 5 === 0) void gatewayHeap(gw).then((h) => h && heap[w].push(h));
    }, 1000);
    const started = Date.now();
    const end = started + args.durationS * 1000;
    let inFlight = 0;
    let dropped = 0;
    const pending = new Set<Promise<void>>();
    for (let i = 0; Date.now() < end; i++) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const w = Math.min(windowCount - 1, Math.floor((Date.now() - started) / windowMs));
      // An open loop must not pile up unboundedly if the mesh stalls: count and drop beyond 512.
      if (inFlight >= 512) {
        dropped++;
        continue;
      }
      const win = windows[w];
      win.sent++;
      inFlight++;
      const p: Promise<void> = once(urls[i % urls.length])
        .then((ms) => void win.latencies.push(ms), () => void win.failed++)
        .finally(() => {
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
    }
    await Promise.all(pending);
    clearInterval(sampler);
    const meanOf = (samples: number[][], j: number) => (samples.length ? samples.reduce((a, r) => a + r[j], 0) / samples.length : 0);
    const baseWindow = rss[Math.min(1, windowCount - 1)];
    const lastWindow = rss[windowCount - 1];

    const p99s = windows.map((w) => percentile([...w.latencies].sort((a, b) => a - b), 99));
    windows.forEach((w, i) => out(`window ${String(i + 1).padStart(2)}: ${(w.sent / (windowMs / 1000)).toFixed(0).padStart(5)} req/s  failed ${w.failed}  p50 ${percentile([...w.latencies].sort((a, b) => a - b), 50).toFixed(1)} ms  p99 ${p99s[i].toFixed(1)} ms`));
    let worst = 0;
    procs.forEach(([name], j) => {
      const from = meanOf(baseWindow, j);
      const to = meanOf(lastWindow, j);
      const growth = from ? to / from - 1 : 0;
      worst = Math.max(worst, growth);
      out(`rss ${name.padEnd(10)} ${(from / 1024).toFixed(0)} MB (window 2 mean) → ${(to / 1024).toFixed(0)} MB (last window mean): ${(growth * 100).toFixed(1)} %`);
      // The whole series tells a leak (a steady climb) from heap resizing (up and down).
      out(`    by window (MB): ${rss.map((samples) => (meanOf(samples, j) / 1024).toFixed(0)).join(' ')}`);
    });
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    const heapBy = (k: 'used' | 'total') => heap.map((xs) => (xs.length ? mb(xs.reduce((a, x) => a + x[k], 0) / xs.length) : '-')).join(' ');
    out(`gateway V8 heap by window (MB): used ${heapBy('used')}; total ${heapBy('total')}`);
    const failed = windows.reduce((a, w) => a + w.failed, 0);
    out(`p99 drift: ${p99s[0].toFixed(1)} ms (first window) → ${p99s[p99s.length - 1].toFixed(1)} ms (last) = ×${(p99s[p99s.length - 1] / p99s[0]).toFixed(2)}`);
    out(`soak: ${windows.reduce((a, w) => a + w.sent, 0)} requests, ${failed} failed, ${dropped} not sent (512 in flight); worst RSS growth ${(worst * 100).toFixed(1)} % (target < 10 %)`);
    return worst < 0.1 && failed === 0 ? 0 : 1;
  } finally {
    await mesh.stop();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`soak: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
