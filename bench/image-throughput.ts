/**
 * image-throughput: the same op mix (imageView2/1/w/200/h/200 and imageView2/2/w/800/format/webp
 * on a 2725×2225 photo) (a) as direct sharp calls in this process and (b) through the gRPC
 * ImageService on 127.0.0.1 (inline source, a child process), at concurrency 1 and 4.
 * Prints ops/s, p50/p99 latency, the ratio b/a and peak RSS. Run after a build:
 *   npx node dist/bench/image-throughput.js [requests-per-run]
 */
import * as grpc from '@grpc/grpc-js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageServiceClient } from '../generated/mediamesh/image/v1/image';
import { sharp } from '../services/image/sharp';
import { startService } from '../launcher/process';

const FIXTURE = join(process.env.MEDIAMESH_FIXTURES ?? join(__dirname, '../../../shared/fixtures'), 'images/2569067123_aca715a2ee_o.jpg');
const OPS = ['imageView2/1/w/200/h/200', 'imageView2/2/w/800/format/webp'] as const;
const REQUESTS = Number(process.argv[2] ?? 48);
const ROUNDS = 3;

/** The direct-sharp equivalent of each op: what a hand-written sharp service would do. */
const DIRECT: Record<(typeof OPS)[number], (input: Buffer) => Promise<Buffer>> = {
  'imageView2/1/w/200/h/200': (input) => sharp(input, { autoOrient: true }).resize(200, 200, { fit: 'cover' }).jpeg({ quality: 75 }).toBuffer(),
  'imageView2/2/w/800/format/webp': (input) => sharp(input, { autoOrient: true }).resize(800, 800, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toBuffer(),
};

interface RunStats {
  opsPerSec: number;
  p50: number;
  p99: number;
  count: number;
  latencies: number[];
}

async function measure(concurrency: number, total: number, call: (i: number) => Promise<unknown>): Promise<RunStats> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t = performance.now();
      await call(i);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { opsPerSec: total / elapsed, p50: pick(0.5), p99: pick(0.99), count: total, latencies };
}

/** combine merges alternating rounds: total ops over total time; latency quantiles over all samples. */
function combine(runs: RunStats[]): RunStats {
  const seconds = runs.reduce((t, r) => t + r.count / r.opsPerSec, 0);
  const all = runs.flatMap((r) => r.latencies).sort((x, y) => x - y);
  const pick = (q: number) => all[Math.min(all.length - 1, Math.floor(q * all.length))];
  return { opsPerSec: runs.reduce((n, r) => n + r.count, 0) / seconds, p50: pick(0.5), p99: pick(0.99), count: all.length, latencies: all };
}

const peakRssMb = (pid: number | 'self') => {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
};

async function main(): Promise<void> {
  const input = existsSync(FIXTURE)
    ? readFileSync(FIXTURE)
    : await sharp({ create: { width: 2725, height: 2225, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).jpeg({ quality: 85 }).toBuffer();
  console.log(`source: ${existsSync(FIXTURE) ? FIXTURE : 'generated 2725x2225 JPEG'} (${input.length} bytes); ${REQUESTS} requests per run, op mix ${OPS.join(' + ')}`);
  const direct = (i: number) => DIRECT[OPS[i % OPS.length]](input);

  const service = await startService('services/image/main.ts', { env: { MALLOC_ARENA_MAX: '2' } });
  const client = new ImageServiceClient(service.address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 64 << 20, 'grpc.max_receive_message_length': 64 << 20 });
  const viaGrpc = (i: number) =>
    new Promise<void>((resolve, reject) =>
      client.process({ source: { kind: { $case: 'inline', value: input } }, operations: [], fop: OPS[i % OPS.length], accept: '', sourceEtag: '' }, (err) => (err ? reject(err) : resolve())),
    );

  try {
    const rows: string[] = [];
    for (const concurrency of [1, 4]) {
      // Warm-up both sides (libvips buffers, JIT, the gRPC channel), then measure side by side:
      // alternating rounds, so drifting load on a shared machine hits both sides alike.
      await measure(concurrency, 8, direct);
      await measure(concurrency, 8, viaGrpc);
      const a: RunStats[] = [];
      const b: RunStats[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        a.push(await measure(concurrency, Math.ceil(REQUESTS / ROUNDS), direct));
        b.push(await measure(concurrency, Math.ceil(REQUESTS / ROUNDS), viaGrpc));
      }
      const [sa, sb] = [combine(a), combine(b)];
      const fmt = (s: RunStats) => `${s.opsPerSec.toFixed(1).padStart(6)} ops/s  p50 ${s.p50.toFixed(0).padStart(4)} ms  p99 ${s.p99.toFixed(0).padStart(4)} ms`;
      rows.push(`concurrency ${concurrency}:  (a) direct sharp ${fmt(sa)}   (b) gRPC ImageService ${fmt(sb)}   ratio b/a ${(sb.opsPerSec / sa.opsPerSec).toFixed(2)}`);
    }
    console.log(rows.join('\n'));
    console.log(`peak RSS: (a) bench process ${peakRssMb('self')} MB (includes the gRPC client), (b) image service ${peakRssMb(service.pid)} MB`);
  } finally {
    client.close();
    await service.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
