/**
 * bench/registry-latency: how fast the registry moves traffic, on a real ZooKeeper.
 *  - register → a watcher (another session) sees the instance;
 *  - register → a plain grpc-js client on zk:///<service> sends it a call;
 *  - deregister → the last call that still reached it.
 * 100 trials each, p50/p99, side by side with the 100 ms target. Run after a build:
 *   npx node dist/bench/registry-latency.js [trials]
 */
import * as grpc from '@grpc/grpc-js';
import { createRegistry, registerZkResolver, type ServiceInstance } from '../mesh/registry';
import type { InstanceInfo } from '../core/hooks';
import { setLogLevel } from '../core/log';
import { startZooKeeper } from '../launcher/zookeeper';

const TARGET_MS = 100;
const HEADER = 'mediamesh-instance';

/** startEchoServer answers grpc.health.v1.Health/Check with an empty message and its name in a header. */
async function startEchoServer(name: string): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server();
  const id = (b: Buffer) => b;
  server.addService(
    { Check: { path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false, requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id } },
    {
      Check: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        const md = new grpc.Metadata();
        md.set(HEADER, name);
        call.sendMetadata(md);
        cb(null, Buffer.alloc(0));
      },
    },
  );
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  return { port, server };
}

function call(client: grpc.Client): Promise<string> {
  return new Promise((resolve, reject) => {
    let who = '';
    const c = client.makeUnaryRequest('/grpc.health.v1.Health/Check', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), { deadline: Date.now() + 5_000 }, (err) =>
      err ? reject(err) : resolve(who),
    );
    c.on('metadata', (md) => (who = String(md.get(HEADER)[0] ?? '')));
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function main(): Promise<void> {
  const trials = Number(process.argv[2] ?? 100);
  setLogLevel('error');
  const zk = await startZooKeeper();
  const writer = createRegistry({ connectString: zk.connectString, basePath: '/bench' });
  const reader = createRegistry({ connectString: zk.connectString, basePath: '/bench' });
  registerZkResolver({ connectString: zk.connectString, basePath: '/bench' });
  const a = await startEchoServer('A');
  const b = await startEchoServer('B');
  const info = (id: string, port: number): InstanceInfo => ({ service: 'bench', instanceId: id, address: '127.0.0.1', port, version: 'v1', zone: 'z', weight: 1, protoServices: [], startedAt: new Date().toISOString() });
  try {
    await writer.session.waitConnected(10_000);
    await writer.register(info('bench-a', a.port));
    let latest: readonly ServiceInstance[] = [];
    const waiters = new Set<() => void>();
    reader.watchService('bench', { onChanged: (l) => ((latest = l), waiters.forEach((w) => w())) });
    const until = (pred: () => boolean) =>
      new Promise<void>((resolve) => {
        if (pred()) return resolve();
        const w = () => pred() && (waiters.delete(w), resolve());
        waiters.add(w);
      });
    const client = new grpc.Client('zk:///bench', grpc.credentials.createInsecure());
    while ((await call(client)) !== 'A');

    const writes: number[] = [];
    const seen: number[] = [];
    const traffic: number[] = [];
    const drained: number[] = [];
    for (let i = 0; i < trials; i++) {
      const id = `bench-b-${i}`;
      // register → watcher sees it, and → the zk:/// client's first call to it (measured in parallel)
      const t0 = performance.now();
      const watched = until(() => latest.some((x) => x.id === id)).then(() => seen.push(performance.now() - t0));
      const reg = await writer.register(info(id, b.port));
      writes.push(performance.now() - t0);
      while ((await call(client)) !== 'B');
      traffic.push(performance.now() - t0);
      await watched;
      // deregister → last call that still reached B: calls keep flowing while it deregisters,
      // until the watcher has dropped it and 150 ms of calls went elsewhere.
      const t1 = performance.now();
      let lastB = 0;
      let dropped = false;
      void until(() => !latest.some((x) => x.id === id)).then(() => (dropped = true));
      const deregistered = reg.deregister();
      let quietSince = 0;
      for (;;) {
        const who = await call(client);
        const now = performance.now();
        if (who === 'B') (lastB = now - t1), (quietSince = 0);
        else if (!quietSince) quietSince = now;
        if (dropped && quietSince && now - quietSince > 150) break;
      }
      await deregistered;
      drained.push(lastB);
    }
    client.close();
    const row = (name: string, xs: number[]) =>
      `${name.padEnd(44)} p50 ${pct(xs, 50).toFixed(1).padStart(6)} ms   p99 ${pct(xs, 99).toFixed(1).padStart(6)} ms   p99/target ${(pct(xs, 99) / TARGET_MS).toFixed(2)}`;
    console.log(`registry latency, ${trials} trials each, real ZooKeeper (target p99 < ${TARGET_MS} ms)`);
    console.log(row('register() itself (ZooKeeper write, baseline)', writes));
    console.log(row('register -> watcher sees it', seen));
    console.log(row('register -> zk:/// client sends it traffic', traffic));
    console.log(row('deregister -> last call reaching it', drained));
    console.log(`p50 ratios: watcher/write ${(pct(seen, 50) / pct(writes, 50)).toFixed(2)}x, traffic/watcher ${(pct(traffic, 50) / pct(seen, 50)).toFixed(2)}x`);
  } finally {
    await writer.close();
    await reader.close();
    a.server.forceShutdown();
    b.server.forceShutdown();
    await zk.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
