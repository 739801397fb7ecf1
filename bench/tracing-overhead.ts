/**
 * Tracing overhead: requests per second of `GET /demo/sample.jpg?imageView2/1/w/200/h/200` through the
 * real chain (gateway → image → storage) with tracing ON (every process exports to a real Jaeger,
 * default 5 s batching, parentbased_always_on) vs OFF (OTEL_SDK_DISABLED), side by side in one run,
 * plus a third chain sampling 10 % of traces (parentbased_traceidratio 0.1: the production lever).
 * The chains run at once and are measured in rotating windows so machine noise hits all alike. Prints req/s, p50/p99 per side and the ratio on/off (target >= 0.95), plus
 * the CPU time each process spent per request (from /proc), which a busy shared machine skews less.
 * Run: npm run build && node dist/bench/tracing-overhead.js [seconds per window, default 6] [windows per side, default 3]
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

const seconds = Number(process.argv[2] ?? 6);
const windows = Number(process.argv[3] ?? 3);
const CONNECTIONS = 8;
const PATH = '/demo/sample.jpg?imageView2/1/w/200/h/200';

interface Side {
  name: 'off' | 'on' | 'on-10%';
  chain: Chain;
  runs: AutocannonResult[];
  /** CPU ms spent by each process (gateway, image, storage), and requests served, over all windows. */
  cpuBy: Record<string, number>;
  requests: number;
  /** CPU ms Jaeger spent during this side's windows (the backend shares these cores; not part of cpuBy). */
  jaegerMs: number;
}

async function measure(side: Side, jaegerPid: number): Promise<void> {
  const meter = cpuMeter({ gateway: side.chain.gateway.pid, image: side.chain.image.pid, storage: side.chain.storage.pid, jaeger: jaegerPid });
  const r = await autocannon({ url: `${side.chain.base}${PATH}`, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
  const { jaeger: jaegerMs = 0, ...spent } = meter.spent();
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
    const off: Side = { name: 'off', chain: await startChain(undefined), runs: [], cpuBy: {}, requests: 0, jaegerMs: 0 };
    chains.push(off.chain);
    // Production-like batching (the harness default of 200 ms is for tests that read traces back).
    const on: Side = { name: 'on', chain: await startChain(jaeger, { OTEL_BSP_SCHEDULE_DELAY: '5000' }), runs: [], cpuBy: {}, requests: 0, jaegerMs: 0 };
    chains.push(on.chain);
    const sampled: Side = {
      name: 'on-10%',
      chain: await startChain(jaeger, { OTEL_BSP_SCHEDULE_DELAY: '5000', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }),
      runs: [],
      cpuBy: {},
      requests: 0,
      jaegerMs: 0,
    };
    chains.push(sampled.chain);
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
    const rpsOff = mean(off.runs.map((r) => r.requests.average));
    const rpsOn = mean(on.runs.map((r) => r.requests.average));
    const rpsSampled = mean(sampled.runs.map((r) => r.requests.average));
    const p50 = (s: Side) => mean(s.runs.map((r) => r.latency.p50)).toFixed(1);
    console.log(`tracing off: ${rpsOff.toFixed(1)} req/s (p50 ${p50(off)} ms)`);
    console.log(`tracing on : ${rpsOn.toFixed(1)} req/s (p50 ${p50(on)} ms), spans exported to Jaeger ${jaeger.uiUrl}`);
    console.log(`tracing on, 10 % sampled: ${rpsSampled.toFixed(1)} req/s (p50 ${p50(sampled)} ms)`);
    console.log(`ratio on/off: ${(rpsOn / rpsOff).toFixed(3)} (target >= 0.95); 10 %-sampled/off: ${(rpsSampled / rpsOff).toFixed(3)}`);
    // Spans of the last window are still batched: the CPU figure for "on" slightly understates export.
    const cpuPerRequest = (side: Side) => Object.values(side.cpuBy).reduce((a, b) => a + b, 0) / side.requests;
    const cpuOff = cpuPerRequest(off);
    const cpuOn = cpuPerRequest(on);
    const cpuSampled = cpuPerRequest(sampled);
    console.log(
      `CPU per request (gateway+image+storage): off ${cpuOff.toFixed(2)} ms, on ${cpuOn.toFixed(2)} ms, 10 % ${cpuSampled.toFixed(2)} ms; ` +
        `ratio off/on ${(cpuOff / cpuOn).toFixed(3)}, off/10 % ${(cpuOff / cpuSampled).toFixed(3)}`,
    );
    const by = (side: Side) => Object.entries(side.cpuBy).map(([name, ms]) => `${name} ${(ms / side.requests).toFixed(2)}`).join(', ');
    for (const side of sides) console.log(`  CPU ms per request, tracing ${side.name}: ${by(side)}; Jaeger meanwhile ${(side.jaegerMs / side.requests).toFixed(2)}`);
  } finally {
    for (const c of chains) await c.stop();
    await jaeger?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
