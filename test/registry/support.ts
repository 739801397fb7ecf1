/** Test helpers of the registry suites. */

/** eventually retries an assertion until it passes or the deadline passes (then rethrows). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5_000, stepMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, stepMs));
    }
  }
}

/** sleep waits ms milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

import { startService, type StartedService } from '../../launcher/process';

/** PROBE_ENTRY is the spawnable test service (mesh/registry/testing/probe-service.ts, built into dist/). */
export const PROBE_ENTRY = 'services/probe/main.ts';

/** startProbe spawns one probe instance registered in the given ZooKeeper. */
export function startProbe(zk: string, id: string, env: Record<string, string> = {}): Promise<StartedService> {
  return startService(PROBE_ENTRY, {
    env: {
      MEDIAMESH_ZK: zk,
      MEDIAMESH_INSTANCE_ID: id,
      MEDIAMESH_ZK_SESSION_TIMEOUT_MS: '2000',
      MEDIAMESH_DEREGISTER_DELAY_MS: '300',
      MEDIAMESH_LOG_LEVEL: 'info',
      ...env,
    },
  });
}

import * as grpc from '@grpc/grpc-js';

/** checkHealth calls grpc.health.v1.Health/Check on a channel and resolves with the instance that answered. */
export function checkHealth(client: grpc.Client, deadlineMs = 3_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let instance = '';
    const call = client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      () => Buffer.alloc(0), // HealthCheckRequest{service: ""} encodes to no bytes
      (b: Buffer) => b,
      {},
      new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (err) => (err ? reject(err) : resolve(instance)),
    );
    call.on('metadata', (md) => (instance = String(md.get('mediamesh-instance')[0] ?? '')));
  });
}

/** spread makes n calls and counts answers per instance. */
export async function spread(client: grpc.Client, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const id = await checkHealth(client);
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}
