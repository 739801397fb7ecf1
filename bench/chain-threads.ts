/**
 * chain-threads: where a gateway → image → storage chain's CPU per request goes, thread by thread,
 * for two configurations side by side in one run: A and B, e.g. tracing off against on, or 8
 * connections against 4.
 *
 * Written for #8 (bench/tracing-cost.md). Its ninth-session runs, measured mid-warm-up (before
 * bench/warm-up.ts), put two thirds of tracing's cost in the JavaScript main threads and a quarter in
 * V8's helper threads, and showed libvips' worker threads spending ~0.6 ms more per image, untraced,
 * when the load fell from 8 connections to 4.
 *
 * Each side has its own chains (started interleaved, warmed up in turn: bench/warm-up.ts), loaded in turn for 3 s windows in
 * mirrored rounds; the CPU of every thread of every process is read from /proc before and after
 * each window. Node names every thread "node", so threads are shown by their order of creation in
 * their process (#0 is the JavaScript main thread; then V8's platform workers, then libuv's pool and
 * libvips' workers as they are first used).
 *
 * Run: npm run build && node dist/bench/chain-threads.js [rounds, default 6] [chains per side, default 2]
 * (the warm-up takes ~2.5 min per chain here: BENCH_WARM_UP_REQUESTS, bench/warm-up.ts)
 * CHAIN_THREADS_A and CHAIN_THREADS_B configure the sides as JSON {"traced": bool, "connections": n, "env": {...}}
 * (defaults: A untraced, B traced into a real Jaeger; 8 connections each), e.g.
 *   CHAIN_THREADS_B='{"traced":false,"connections":4}' node dist/bench/chain-threads.js
 */
import { jaegerBinary, startJaeger, type JaegerServer } from '../launcher/jaeger';
import { cpuMsByThread } from './cpu-time';
import { sampleJpeg, startChain, THUMBNAIL_PATH, type Chain } from './tracing-chain';
import { describeWarmUp, warmUpInTurn } from './warm-up';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<{ requests: { total: number } }>;

const rounds = Number(process.argv[2] ?? 6);
const chainsPerSide = Number(process.argv[3] ?? 2);
const WINDOW_S = 3;
/** Threads under this many ms per request on both sides are left out of the table. */
const SHOWN_MS = 0.005;

interface SideConfig {
  readonly traced: boolean;
  readonly connections: number;
  readonly env: Record<string, string>;
}

interface Side {
  readonly name: 'A' | 'B';
  readonly config: SideConfig;
  readonly chains: Chain[];
  requests: number;
  windows: number;
  /** CPU ms by "process #thread rank", summed over the windows. */
  readonly cpu: Map<string, number>;
}

function sideConfig(name: string, fallback: SideConfig): SideConfig {
  const raw = process.env[name];
  if (!raw) return fallback;
  const given = JSON.parse(raw) as Partial<SideConfig>;
  return { traced: given.traced ?? fallback.traced, connections: given.connections ?? fallback.connections, env: given.env ?? {} };
}

/** threadsOf reads every thread's CPU ms of the chain's processes, keyed "process #rank". */
function threadsOf(chain: Chain): Map<string, { tid: number; ms: number }> {
  const out = new Map<string, { tid: number; ms: number }>();
  for (const [process, pid] of Object.entries({ gateway: chain.gateway.pid, image: chain.image.pid, storage: chain.storage.pid })) {
    const byThread = [...cpuMsByThread(pid)].sort(([a], [b]) => a - b);
    byThread.forEach(([tid, ms], rank) => out.set(`${process} #${rank}`, { tid, ms }));
  }
  return out;
}

async function measure(side: Side, chain: Chain): Promise<void> {
  const before = threadsOf(chain);
  const r = await autocannon({ url: `${chain.base}${THUMBNAIL_PATH}`, connections: side.config.connections, duration: WINDOW_S });
  for (const [key, now] of threadsOf(chain)) {
    const was = before.get(key);
    // A thread born during the window shifts the ranks after it: count only threads seen at both ends.
    if (was?.tid === now.tid) side.cpu.set(key, (side.cpu.get(key) ?? 0) + now.ms - was.ms);
  }
  side.requests += r.requests.total;
  side.windows++;
}

async function main(): Promise<void> {
  const configs = [sideConfig('CHAIN_THREADS_A', { traced: false, connections: 8, env: {} }), sideConfig('CHAIN_THREADS_B', { traced: true, connections: 8, env: {} })];
  if (configs.some((c) => c.traced) && !jaegerBinary()) throw new Error('Jaeger is not built: run `bash scripts/jaeger-build.sh` first');
  let jaeger: JaegerServer | undefined;
  const sides: Side[] = configs.map((config, i) => ({ name: i ? 'B' : 'A', config, chains: [], requests: 0, windows: 0, cpu: new Map() }));
  try {
    if (configs.some((c) => c.traced)) jaeger = await startJaeger();
    const jpeg = await sampleJpeg();
    for (let i = 0; i < chainsPerSide; i++)
      for (const side of sides) {
        // Production-like batching when traced (the harness default of 200 ms is for tests that read traces back).
        const traced: Record<string, string> = side.config.traced ? { OTEL_BSP_SCHEDULE_DELAY: '5000' } : {};
        const chain = await startChain(side.config.traced ? jaeger : undefined, { ...traced, ...side.config.env });
        side.chains.push(chain);
        await chain.put('demo', 'sample.jpg', jpeg);
      }
    // Until V8 has optimized every chain's request path (bench/warm-up.ts).
    const targets = sides.flatMap((side) => side.chains.map((chain, i) => ({ name: `side ${side.name} chain ${i + 1}`, url: `${chain.base}${THUMBNAIL_PATH}` })));
    for (const w of await warmUpInTurn(targets, 8)) console.log(describeWarmUp(w));
    for (const side of sides) console.log(`side ${side.name}: ${JSON.stringify(side.config)}`);
    console.log(`chain-threads: ${THUMBNAIL_PATH}, ${chainsPerSide} chains per side, ${rounds} mirrored rounds of ${WINDOW_S} s windows`);
    for (let r = 0; r < rounds; r++) for (const side of r % 2 ? [...sides].reverse() : sides) for (const chain of side.chains) await measure(side, chain);

    const [a, b] = sides as [Side, Side];
    const perRequest = (side: Side, key: string) => (side.cpu.get(key) ?? 0) / Math.max(1, side.requests);
    const total = (side: Side) => [...side.cpu.values()].reduce((x, y) => x + y, 0) / Math.max(1, side.requests);
    for (const side of sides)
      console.log(`side ${side.name}: ${(side.requests / (side.windows * WINDOW_S)).toFixed(1)} req/s per chain, CPU ${total(side).toFixed(2)} ms per request`);
    console.log('CPU ms per request by thread:      A        B    B − A');
    const keys = [...new Set([...a.cpu.keys(), ...b.cpu.keys()])];
    for (const key of keys) {
      const [x, y] = [perRequest(a, key), perRequest(b, key)];
      if (x < SHOWN_MS && y < SHOWN_MS) continue;
      console.log(`  ${key.padEnd(14)} ${x.toFixed(3).padStart(14)} ${y.toFixed(3).padStart(8)} ${(y - x >= 0 ? '+' : '') + (y - x).toFixed(3)}`);
    }
  } finally {
    for (const side of sides) for (const chain of side.chains) await chain.stop();
    await jaeger?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
