/**
 * Tracing overhead: requests per second of `GET /demo/sample.jpg?imageView2/1/w/200/h/200` through the
 * real chain (gateway → image → storage) with tracing ON (every process exports every span to a real
 * Jaeger: parentbased_always_on, the spec's 5 s batch delay) vs OFF (OTEL_SDK_DISABLED), side by side
 * in one run, plus a chain sampling 10 % of traces (parentbased_traceidratio 0.1: the production lever).
 * The chains run at once and are measured in rotating windows so machine noise hits all alike. Prints req/s, p50/p99 per side and the ratio on/off (target >= 0.95), plus
 * the CPU time each process spent per request (from /proc), which a busy shared machine skews less.
 * Run: npm run build && node dist/bench/tracing-overhead.js [seconds per window, default 3] [windows per side, default 15]
 */
import sharp from 'sharp';
import { jaegerBinary, startJaeger, type JaegerServer } from '../test/harness/jaeger';
import { cpuMeter } from './cpu-time';
import { startChain, type Chain } from './tracing-chain';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

// Many short windows, rotating: this machine's speed drifts by ±10 % over tens of seconds, and short
// interleaved windows spread that drift over every side alike (3 × 6 s windows read 0.86–0.96 for the same code).
const seconds = Number(process.argv[2] ?? 3);
const windows = Number(process.argv[3] ?? 15);
const CONNECTIONS = 8;
const PATH = '/demo/sample.jpg?imageView2/1/w/200/h/200';

interface Side {
  name: 'off' | 'on' | 'on-10%';
  chain: Chain;
  runs: AutocannonResult[];
  /** CPU ms spent by each process (gateway, image, storage), and requests served, over all windows. */
  cpuBy: Record<string, number>;
  /** The same split by thread: JavaScript main thread / all other threads (sharp, fs, GC helpers). */
  mainBy: Record<string, number>;
  threadsBy: Record<string, number>;
  requests: number;
  /** CPU ms Jaeger spent during this side's windows (the backend shares these cores; not part of cpuBy). */
  jaegerMs: number;
}

async function measure(side: Side, jaegerPid: number): Promise<void> {
  const meter = cpuMeter({ gateway: side.chain.gateway.pid, image: side.chain.image.pid, storage: side.chain.storage.pid, jaeger: jaegerPid });
  const r = await autocannon({ url: `${side.chain.base}${PATH}`, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
  const { jaeger: jaegerMs = 0, ...spent } = meter.spent();
  const { jaeger: _j, ...byThread } = meter.spentByThread();
  for (const [name, t] of Object.entries(byThread)) {
    side.mainBy[name] = (side.mainBy[name] ?? 0) + t.main;
    side.threadsBy[name] = (side.threadsBy[name] ?? 0) + t.threads;
  }
  side.jaegerMs += jaegerMs;
  for (const [name, ms] of Object.entries(spent)) side.cpuBy[name] = (side.cpuBy[name] ?? 0) + ms;
  side.requests += r.requests.total;
  if (r.non2xx || r.errors) throw new Error(`tracing ${side.name}: ${r.non2xx} non-2xx answers and ${r.errors} errors`);
  side.runs.push(r);
  process.stdout.write(`  window tracing ${side.name.padEnd(6)} ${r.requests.average.toFixed(1).padStart(7)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms\n`);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  if (!jaegerBinary()) throw new Error('Jaeger is not built: run `bash scripts/jaeger-build.sh` first');
  let jaeger: JaegerServer | undefined;
  const chains: Chain[] = [];
  try {
    jaeger = await startJaeger();
    const jpeg = await sharp({ create: { width: 640, height: 427, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg({ quality: 85 }).toBuffer();
    const off: Side = { name: 'off', chain: await startChain(undefined), runs: [], cpuBy: {}, mainBy: {}, threadsBy: {}, requests: 0, jaegerMs: 0 };
    chains.push(off.chain);
    const side = async (name: Side['name'], env: Record<string, string>): Promise<Side> => {
      const s: Side = { name, chain: await startChain(jaeger, env), runs: [], cpuBy: {}, mainBy: {}, threadsBy: {}, requests: 0, jaegerMs: 0 };
      chains.push(s.chain);
      return s;
    };
    // Production-like batching (the harness default of 200 ms is for tests that read traces back).
    const on = await side('on', { OTEL_BSP_SCHEDULE_DELAY: '5000' });
    const sampled = await side('on-10%', { OTEL_BSP_SCHEDULE_DELAY: '5000', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' });
    const sides = [off, on, sampled];
    for (const side of sides) {
      await side.chain.put('demo', 'sample.jpg', jpeg);
      // Warm up: JIT, sharp's first decode, connections.
      await autocannon({ url: `${side.chain.base}${PATH}`, connections: CONNECTIONS, amount: 200 });
    }
    console.log(`tracing overhead: ${PATH} via gateway → image → storage, ${CONNECTIONS} connections, ${windows}×${seconds} s per side, rotating`);
    for (let i = 0; i < windows; i++) {
      // Rotate which side goes first so none always gets the cooler machine.
      for (let k = 0; k < sides.length; k++) await measure(sides[(i + k) % sides.length]!, jaeger.pid);
    }
    const rps = (s: Side) => mean(s.runs.map((r) => r.requests.average));
    const p50 = (s: Side) => mean(s.runs.map((r) => r.latency.p50)).toFixed(1);
    // Spans of the last window may still be batched: the CPU figures of the traced sides slightly understate export.
    const cpu = (s: Side) => Object.values(s.cpuBy).reduce((a, b) => a + b, 0) / s.requests;
    const label: Record<Side['name'], string> = { off: 'tracing off', on: 'tracing on', 'on-10%': 'on, 10 % sampled' };
    for (const s of sides) {
      const ratio = s === off ? '' : `  ratio ${(rps(s) / rps(off)).toFixed(3)}, CPU ratio ${(cpu(off) / cpu(s)).toFixed(3)}`;
      console.log(`${label[s.name].padEnd(22)} ${rps(s).toFixed(1).padStart(6)} req/s (p50 ${p50(s)} ms), CPU ${cpu(s).toFixed(2)} ms/req${ratio}`);
    }
    console.log(`ratio on/off: ${(rps(on) / rps(off)).toFixed(3)} (target >= 0.95); spans in Jaeger ${jaeger.uiUrl}`);
    const by = (s: Side) => Object.entries(s.cpuBy).map(([name, ms]) => `${name} ${(ms / s.requests).toFixed(2)}`).join(', ');
    for (const s of sides) console.log(`  CPU ms per request, ${label[s.name]}: ${by(s)}; Jaeger meanwhile ${(s.jaegerMs / s.requests).toFixed(2)}`);
    const split = (s: Side) => Object.keys(s.mainBy).map((name) => `${name} ${(s.mainBy[name]! / s.requests).toFixed(2)} / ${(s.threadsBy[name]! / s.requests).toFixed(2)}`).join(', ');
    for (const s of sides) console.log(`  main thread / other threads, ${label[s.name]}: ${split(s)}`);
  } finally {
    for (const c of chains) await c.stop();
    await jaeger?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
