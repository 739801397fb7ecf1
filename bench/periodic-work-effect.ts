/**
 * Periodic-work effect: does some periodic work inside a busy service (a POST to a collector once
 * a second, as a span exporter does) make every call that service serves cost more CPU?
 *
 * Found while chasing #8's tracing cost: in an UNTRACED storage service, a 1 KB POST once a second
 * raised the CPU per call by ~30 %, while a raw TCP write or a UDP send did not. Two processes
 * doing the same work differ by up to 20 % here, so the design compares each process with itself:
 *  - K untraced storage services per group (a control group, and one treated group per kind;
 *    bench/periodic-work-preload.ts is preloaded into the treated ones), each warmed up, then loaded
 *    in turn with StatObject calls from 8 loops for short windows, in mirrored rounds;
 *  - after `rounds` rounds, SIGUSR2 starts the periodic work in the treated processes, then
 *    `rounds` more rounds;
 *  - each process's CPU per call after minus before (µs), treated against control: the control
 *    group's change is the machine's drift; the difference of the groups, with Welch's 95 %
 *    interval over processes, is the effect.
 * Prints both groups' per-process changes and the effect. Sinks for the work run in this process.
 * Run: npm run build && node dist/bench/periodic-work-effect.js <kind>[,<kind>…] [K, default 6] [rounds, default 5]
 * Kinds: http | fetch | grpc | worker | child | raw-http | raw-http-ref | raw-http-timer | exporter | tcp | tcp-keepalive | tcp-nodelay | tcp-echo | udp | timer
 * (periodic-work-preload.ts says what each does). With several kinds, each gets its own K treated
 * processes in the same run, and the first kind is also compared with each of the others directly;
 * PERIODIC_WORK_MS sets the period (default 1000); PERIODIC_WORK_PIN_CPU=<n> pins every storage service (all its
 * threads) to that CPU, which takes wake-ups across CPUs out of the picture.
 */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { StorageServiceClient } from '../generated/mediamesh/storage/v1/storage';
import { seedBuckets } from '../services/storage/seed';
import type { StartedService } from '../launcher/process';
import { cpuMs } from './cpu-time';
import { differenceInterval, mean } from './intervals';
import { putObject, startTraced } from './tracing-chain';

const KINDS = ['http', 'fetch', 'grpc', 'worker', 'child', 'raw-http', 'raw-http-ref', 'raw-http-timer', 'exporter', 'tcp', 'tcp-keepalive', 'tcp-nodelay', 'tcp-echo', 'udp', 'timer'];
const kinds = (process.argv[2] ?? '').split(',');
const perGroup = Number(process.argv[3] ?? 6);
const rounds = Number(process.argv[4] ?? 5);
const WINDOW_S = 1.5;
const WARM_UP_S = 4;
const LOOPS = 8;

interface Storage {
  /** The periodic work it does, '' for the control group. */
  readonly kind: string;
  readonly service: StartedService;
  readonly client: StorageServiceClient;
  readonly home: string;
  readonly before: number[];
  readonly after: number[];
}

const listening = (server: net.Server | dgram.Socket) =>
  new Promise<void>((resolve) => (server instanceof dgram.Socket ? server.bind(0, '127.0.0.1', resolve) : server.listen(0, '127.0.0.1', resolve)));

/** startSinks runs the endpoints the periodic work talks to and returns their env for the preload. */
async function startSinks(): Promise<{ env: Record<string, string>; stop(): void }> {
  const httpSink = http.createServer((req, res) => req.resume().on('end', () => res.end()));
  const tcpSink = net.createServer((socket) => socket.on('data', () => undefined).on('error', () => undefined));
  const answer = Buffer.alloc(100, 2);
  const echoSink = net.createServer((socket) => socket.on('data', () => socket.write(answer)).on('error', () => undefined));
  const udpSink = dgram.createSocket('udp4').on('message', () => undefined);
  const grpcSink = new grpc.Server();
  const same = (b: Buffer) => b;
  const take = { path: '/sink.Sink/Take', requestStream: false, responseStream: false, requestSerialize: same, requestDeserialize: same, responseSerialize: same, responseDeserialize: same };
  grpcSink.addService({ Take: take }, { Take: (_call: unknown, done: grpc.sendUnaryData<Buffer>) => done(null, Buffer.alloc(0)) });
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpcSink.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
  await Promise.all([listening(httpSink), listening(tcpSink), listening(echoSink), listening(udpSink)]);
  const port = (s: net.Server) => (s.address() as net.AddressInfo).port;
  return {
    env: {
      PERIODIC_WORK_URL: `http://127.0.0.1:${port(httpSink)}/v1/traces`,
      PERIODIC_WORK_TCP: `127.0.0.1:${port(tcpSink)}`,
      PERIODIC_WORK_TCP_ECHO: `127.0.0.1:${port(echoSink)}`,
      PERIODIC_WORK_UDP: `127.0.0.1:${udpSink.address().port}`,
      PERIODIC_WORK_GRPC: `127.0.0.1:${grpcPort}`,
    },
    stop: () => {
      httpSink.closeAllConnections();
      httpSink.close();
      tcpSink.close();
      echoSink.close();
      udpSink.close();
      grpcSink.forceShutdown();
    },
  };
}

/** load calls StatObject from LOOPS loops for seconds and returns the service's CPU µs per call. */
async function load(s: Storage, seconds: number): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let calls = 0;
  const before = cpuMs(s.service.pid);
  await Promise.all(
    Array.from({ length: LOOPS }, async () => {
      while (Date.now() < end) {
        await new Promise<void>((resolve, reject) => s.client.statObject({ bucket: 'demo', key: 'a.jpg' }, (err) => (err ? reject(err) : resolve())));
        calls++;
      }
    }),
  );
  return (1000 * (cpuMs(s.service.pid) - before)) / calls;
}

/** measureRounds loads every process for a window per round, in mirrored order, into pick(s). */
async function measureRounds(all: Storage[], pick: (s: Storage) => number[]): Promise<void> {
  for (let r = 0; r < rounds; r++) for (const s of r % 2 ? [...all].reverse() : all) pick(s).push(await load(s, WINDOW_S));
}

async function main(): Promise<void> {
  if (!kinds.every((k) => KINDS.includes(k)) || new Set(kinds).size !== kinds.length)
    throw new Error(`usage: node dist/bench/periodic-work-effect.js <${KINDS.join('|')}>[,<kind>…] [K] [rounds]`);
  const groups = ['', ...kinds];
  const sinks = await startSinks();
  const all: Storage[] = [];
  try {
    const preload = path.join(__dirname, 'periodic-work-preload.js');
    for (let i = 0; i < groups.length * perGroup; i++) {
      const kind = groups[i % groups.length]!;
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-periodic-'));
      const work = kind ? { ...sinks.env, PERIODIC_WORK_KIND: kind, NODE_OPTIONS: `--require ${preload}` } : {};
      const service = await startTraced('services/storage/main.ts', undefined, { env: { MEDIAMESH_HOME: home, ...work } }).catch((err: Error) => {
        fs.rmSync(home, { recursive: true, force: true });
        throw err;
      });
      const client = new StorageServiceClient(service.address, grpc.credentials.createInsecure());
      all.push({ kind, service, client, home, before: [], after: [] });
      const pin = process.env.PERIODIC_WORK_PIN_CPU;
      if (pin) execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', pin, String(service.pid)], { stdio: 'ignore' });
      await seedBuckets(client);
      await putObject(client, 'demo', 'a.jpg', crypto.randomBytes(30_000));
    }
    for (const s of all) await load(s, WARM_UP_S);
    const pinned = process.env.PERIODIC_WORK_PIN_CPU ? `, pinned to CPU ${process.env.PERIODIC_WORK_PIN_CPU}` : '';
    console.log(`periodic-work effect: ${kinds.join(', ')} every ${process.env.PERIODIC_WORK_MS ?? 1000} ms, each in ${perGroup} of ${all.length} untraced storage services${pinned}; StatObject from ${LOOPS} loops, ${rounds} + ${rounds} mirrored rounds of ${WINDOW_S} s windows`);
    await measureRounds(all, (s) => s.before);
    for (const s of all) if (s.kind) process.kill(s.service.pid, 'SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await measureRounds(all, (s) => s.after);
    const group = (kind: string) => all.filter((s) => s.kind === kind);
    const change = (kind: string) => group(kind).map((s) => mean(s.after) - mean(s.before));
    const show = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' / ');
    const name = (kind: string) => kind || 'control';
    console.log(`  CPU µs per call before: ${groups.map((k) => `${name(k)} ${mean(group(k).map((s) => mean(s.before))).toFixed(0)}`).join(', ')}`);
    console.log(`  after − before, µs per call: ${groups.map((k) => `${name(k)} ${show(change(k))}`).join('; ')}`);
    const report = (label: string, a: string, b: string) => {
      const d = differenceInterval(change(a), change(b));
      console.log(`${label}: ${d.difference >= 0 ? '+' : ''}${d.difference.toFixed(1)} µs per call (95 % CI ${d.low.toFixed(1)} … ${d.high.toFixed(1)})`);
    };
    for (const k of kinds) report(`effect of ${k}`, k, '');
    for (const k of kinds.slice(1)) report(`${kinds[0]} minus ${k}`, kinds[0]!, k);
  } finally {
    for (const s of all) {
      s.client.close();
      await s.service.stop();
      fs.rmSync(s.home, { recursive: true, force: true });
    }
    sinks.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
