/**
 * Benchmark (2): scale of the control plane. 1,000 services × 10 instances, 50 ADS clients
 * (in a child process, so the figures below are the control plane's own) each subscribed
 * to every listener, route, cluster and endpoint resource. Measures: time to build a full
 * snapshot, time from a full update (every endpoint changes) to all 50 clients holding it,
 * and the control plane's RSS. Targets: push < 1 s, RSS < 500 MB.
 * Run: npx node dist/bench/xds-scale.js [services=1000] [instances=10] [clients=50]
 */
import { fork } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { createAdsServer } from '../mesh/control-plane/ads-server';
import { createControlPlane } from '../mesh/control-plane/control-plane';
import { TYPE_URL } from '../mesh/envoy-api';
import { setLogLevel } from '../core/log';
import type { ServiceInstance } from '../mesh/registry/types';
import { createAdsClient } from '../test/control-plane/fixtures/ads-client';

const TYPES = [TYPE_URL.listener, TYPE_URL.route, TYPE_URL.cluster, TYPE_URL.endpoint];

function mesh(services: number, instances: number, portBase: number): Map<string, ServiceInstance[]> {
  const out = new Map<string, ServiceInstance[]>();
  for (let s = 0; s < services; s++) {
    const name = `svc-${s}`;
    out.set(
      name,
      Array.from({ length: instances }, (_, i) => ({
        service: name, id: `${name}-${i}`, address: `10.${(s >> 8) & 255}.${s & 255}.${i + 1}`, port: portBase + i, version: i % 5 === 0 ? 'v2' : 'v1',
        zone: `zone-${i % 3}`, weight: 1, health: 'SERVING' as const, protoServices: [], registrationTimeUTC: 0, payload: null,
      })),
    );
  }
  return out;
}

/** The child: n clients; prints {"version","at"} once every client holds a given EDS version. */
function runClients(addr: string, n: number, services: number): void {
  const names = Array.from({ length: services }, (_, s) => `svc-${s}`);
  const holders = new Map<string, number>();
  for (let c = 0; c < n; c++) {
    const client = createAdsClient(addr, {
      nodeId: `bench-${c}`, zone: 'zone-0', userAgent: 'bench', decode: false, metadata: { MESH_ROLE: 'proxyless' },
      onResponse: (r) => {
        if (r.typeUrl !== TYPE_URL.endpoint) return;
        const k = (holders.get(r.version) ?? 0) + 1;
        holders.set(r.version, k);
        if (k === n) process.stdout.write(JSON.stringify({ version: r.version, at: Date.now() }) + '\n');
      },
    });
    for (const t of TYPES) client.subscribe(t, names);
  }
}

async function main(): Promise<void> {
  const [services, instances, clients] = [Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 10), Number(process.argv[4] ?? 50)];
  setLogLevel('error');
  const cp = createControlPlane({ debounceMs: 0 });
  const server = new grpc.Server({ 'grpc.max_send_message_length': -1 });
  createAdsServer({ cache: cp.cache, resolveGroup: cp.resolveGroup }).addTo(server);
  const port = await new Promise<number>((r, j) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? j(e) : r(p))));

  let t0 = Date.now();
  cp.setInstances(mesh(services, instances, 20000));
  cp.resolveGroup({ id: 'warm', cluster: '', zone: 'zone-0', userAgent: 'bench', metadata: { MESH_ROLE: 'proxyless' } });
  cp.flush();
  const firstBuild = Date.now() - t0;

  const child = fork(__filename, ['--clients', `127.0.0.1:${port}`, String(clients), String(services)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const seen = new Map<string, number>();
  const waiters: Array<() => void> = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = JSON.parse(buf.slice(0, nl)) as { version: string; at: number };
      buf = buf.slice(nl + 1);
      seen.set(line.version, line.at);
      waiters.splice(0).forEach((w) => w());
    }
  });
  const edsVersion = () => cp.cache.getSnapshot(cp.groups()[0].key)!.get(TYPE_URL.endpoint)!.version;
  const allHold = (v: string) => new Promise<number>((resolve) => {
    const check = () => (seen.has(v) ? resolve(seen.get(v)!) : waiters.push(check));
    check();
  });
  t0 = Date.now();
  await allHold(edsVersion());
  const initialSync = Date.now() - t0;

  const pushes: number[] = [];
  const builds: number[] = [];
  for (let round = 1; round <= 5; round++) {
    t0 = Date.now();
    cp.setInstances(mesh(services, instances, 20000 + round * 100)); // every endpoint of every service changes
    cp.flush();
    builds.push(Date.now() - t0);
    pushes.push((await allHold(edsVersion())) - t0);
  }
  const rss = process.memoryUsage().rss / 1024 / 1024;
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`xds-scale: ${services} services × ${instances} instances, ${clients} ADS clients (each subscribed to ${services * 4} resources)`);
  console.log(`  first full build (${services * 4} resources): ${firstBuild} ms`);
  console.log(`  initial sync of ${clients} clients: ${initialSync} ms`);
  console.log(`  full update → all clients hold it: median ${median(pushes)} ms, max ${Math.max(...pushes)} ms over ${pushes.length} rounds (target < 1000 ms); of which build+publish median ${median(builds)} ms`);
  console.log(`  control-plane RSS: ${rss.toFixed(0)} MB (target < 500 MB)`);
  child.kill();
  server.forceShutdown();
  cp.close();
}

if (process.argv[2] === '--clients') runClients(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else void main().then(() => process.exit(0), (err) => (console.error(err), process.exit(1)));
