/**
 * Benchmark (3): per-call cost of an xds:/// channel vs a direct channel to the same
 * backend, measured side by side in alternating rounds (same process, same backend):
 * wall time and client CPU per sequential unary call, and the xds/direct ratio.
 * Run: npx node dist/bench/xds-call-cost.js [calls per round=2000] [rounds=4]
 */
import * as grpc from '@grpc/grpc-js';
import { createXdsBootstrap } from '../mesh/client/bootstrap';
import { createAdsServer } from '../mesh/control-plane/ads-server';
import { createControlPlane } from '../mesh/control-plane/control-plane';
import { setLogLevel } from '../core/log';
import { echoClient, startEcho, type EchoClient } from '../test/control-plane/fixtures/echo-backend';

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('@grpc/grpc-js-xds').register();

async function measure(client: EchoClient, n: number): Promise<{ wallUs: number; cpuUs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await client.call();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallUs: (wall * 1000) / n, cpuUs: (cpu.user + cpu.system) / n };
}

async function main(): Promise<void> {
  const [n, rounds] = [Number(process.argv[2] ?? 2000), Number(process.argv[3] ?? 4)];
  setLogLevel('error');
  const backend = await startEcho('b1');
  const cp = createControlPlane({ debounceMs: 0 });
  cp.setInstances(new Map([['echo', [{ service: 'echo', id: 'b1', address: '127.0.0.1', port: backend.port, version: 'v1', zone: 'z', weight: 1, health: 'SERVING', protoServices: [], registrationTimeUTC: 0, payload: null }]]]));
  cp.flush();
  const server = new grpc.Server();
  createAdsServer({ cache: cp.cache, resolveGroup: cp.resolveGroup }).addTo(server);
  const port = await new Promise<number>((r, j) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? j(e) : r(p))));
  const xds = echoClient('xds:///echo', JSON.stringify(createXdsBootstrap({ server: `127.0.0.1:${port}`, nodeId: 'bench', zone: 'z' })));
  const direct = echoClient(`127.0.0.1:${backend.port}`);
  await Promise.all([xds.call({}, 30_000), direct.call()]);
  await measure(xds, 200); // warm-up
  await measure(direct, 200);
  const acc = { xds: { wallUs: 0, cpuUs: 0 }, direct: { wallUs: 0, cpuUs: 0 } };
  for (let r = 0; r < rounds; r++)
    for (const [name, c] of [['xds', xds], ['direct', direct]] as const) {
      const m = await measure(c, n);
      acc[name].wallUs += m.wallUs / rounds;
      acc[name].cpuUs += m.cpuUs / rounds;
    }
  console.log(`xds-call-cost: ${rounds} alternating rounds × ${n} sequential unary calls (client and backend in one process)`);
  console.log(`  direct : ${acc.direct.wallUs.toFixed(0)} µs wall, ${acc.direct.cpuUs.toFixed(0)} µs CPU per call`);
  console.log(`  xds:/// : ${acc.xds.wallUs.toFixed(0)} µs wall, ${acc.xds.cpuUs.toFixed(0)} µs CPU per call`);
  console.log(`  ratio xds/direct: wall ${(acc.xds.wallUs / acc.direct.wallUs).toFixed(2)}×, CPU ${(acc.xds.cpuUs / acc.direct.cpuUs).toFixed(2)}×`);
  xds.close();
  direct.close();
  server.forceShutdown();
  await backend.stop();
  cp.close();
}

void main().then(() => process.exit(0), (err) => (console.error(err), process.exit(1)));
