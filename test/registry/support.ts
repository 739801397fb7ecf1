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

import { startService, type StartedService } from '../harness/process';

/** PROBE_ENTRY is the spawnable test service (mesh/registry/testing/probe-service.ts, built into dist/). */
export const PROBE_ENTRY = 'mesh/registry/testing/probe-service.ts';

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
