/**
 * warmUpInTurn: load HTTP endpoints until the processes behind them serve at their steady speed, before
 * a benchmark measures them.
 *
 * Why a count of requests, and why so many. V8 runs new code in its interpreter, then in Sparkplug
 * baseline code, and optimizes a function with TurboFan only after that function has executed
 * enough bytecode (a budget per function, `--interrupt-budget` × `--ticks-before-optimization`,
 * and again after each deoptimization or inline-cache change). So warming up is a matter of calls,
 * not seconds: a function run once per request is optimized after on the order of a thousand
 * requests, and a request path is made of hundreds of such functions. Measured with `perf` and
 * `--perf-basic-prof` on a gateway → image → storage chain (bench/tracing-cost.md): after 10–20 s of
 * load (~2,000 requests) each process still spent 0.24–0.9 ms per request in baseline code, a
 * third of its JavaScript time; after ~10,000 requests, 15–85 µs. Its throughput climbed
 * from ~100 to ~130 req/s (CPU per request from 15.5 to ~12 ms) and levelled out after about
 * 7,000 requests untraced and 11,000 traced. A benchmark that measures before that compares
 * processes half-way through their warm-up.
 *
 * The default (BENCH_WARM_UP_REQUESTS, 15,000) covers that curve with a margin; the helper prints
 * the first and last windows so that a run shows whether it levelled out. A target warms with the load
 * it is measured with: a chain measured with distinct URLs warms with them too, since the gateway joins
 * identical requests in flight and one repeated URL would warm the gateway, not the services behind it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<{ requests: { total: number }; non2xx: number; errors: number }>;

/** WARM_UP_WINDOW_S: the warm-up loads in windows of this many seconds, to show its curve. */
const WARM_UP_WINDOW_S = 5;

/** WarmUpTarget is an endpoint to warm and, as `load`, autocannon options of its own (e.g. distinctThumbnails()). */
export interface WarmUpTarget {
  readonly name: string;
  readonly url: string;
  readonly load?: Record<string, unknown>;
}

export interface WarmUpOptions {
  /** Requests each target must have answered (default BENCH_WARM_UP_REQUESTS). */
  readonly requests?: number;
  readonly windowS?: number;
}

/** warmUpRequests reads BENCH_WARM_UP_REQUESTS (default 15,000). */
export function warmUpRequests(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BENCH_WARM_UP_REQUESTS ?? '15000';
  if (!/^\d{1,9}$/.test(raw)) throw new Error(`BENCH_WARM_UP_REQUESTS must be a whole number of requests (got ${JSON.stringify(raw)})`);
  return Number(raw);
}

export interface WarmUp {
  readonly name: string;
  readonly requests: number;
  readonly seconds: number;
  /** req/s of the first and the last window. */
  readonly firstRps: number;
  readonly lastRps: number;
}

/**
 * warmUpInTurn loads each target in turn, a window (5 s by default) at a time, until every one has answered
 * `requests`. In turn, not one after the other: a warm process left idle for a minute was seen to
 * serve its next 5 s ~30 % slower (V8 ages and flushes code that does not run while its memory
 * reducer collects an idle heap), so no target waits longer than the others' windows.
 */
export async function warmUpInTurn(
  targets: readonly WarmUpTarget[],
  connections: number,
  { requests = warmUpRequests(), windowS = WARM_UP_WINDOW_S }: WarmUpOptions = {},
): Promise<WarmUp[]> {
  const state = targets.map((t) => ({ ...t, requests: 0, seconds: 0, firstRps: 0, lastRps: 0 }));
  const unfinished = (t: (typeof state)[number]) => t.requests < requests || t.seconds === 0;
  while (state.some(unfinished))
    for (const t of state.filter(unfinished)) {
      const r = await autocannon({ url: t.url, connections, duration: windowS, pipelining: 1, ...t.load });
      if (r.non2xx || r.errors) throw new Error(`warm-up of ${t.name}: ${r.non2xx} non-2xx answers and ${r.errors} errors`);
      if (r.requests.total === 0) throw new Error(`warm-up of ${t.name}: no request answered in ${windowS} s`);
      t.requests += r.requests.total;
      t.lastRps = r.requests.total / windowS;
      if (t.seconds === 0) t.firstRps = t.lastRps;
      t.seconds += windowS;
    }
  return state;
}

/** describeWarmUp is one line for a benchmark's output. */
export function describeWarmUp(w: WarmUp): string {
  return `  warm-up ${w.name}: ${w.requests} requests in ${w.seconds} s of load, ${w.firstRps.toFixed(0)} → ${w.lastRps.toFixed(0)} req/s`;
}
