/**
 * Every mediamesh process notices when the launcher that started it is gone (issue 23, item 1):
 * the launcher's end of its pipe (fd 3, MEDIAMESH_LAUNCHER_FD) closes, as the kernel closes it when
 * the launcher dies, and the process stops through the same graceful path as on SIGTERM, exit 0.
 * One process per kind of entry point: the service host (storage), the gateway, the control plane.
 */
import type * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type StartedService } from '../../launcher/process';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { tempDirForTest } from '../harness/temp-dir';

let zk: ZooKeeperServer;
beforeAll(async () => {
  zk = await startZooKeeper();
});
afterAll(async () => {
  await zk?.stop();
});

const ENTRIES: [string, string, () => Record<string, string>][] = [
  ['the service host (storage)', 'services/storage/main.ts', () => ({ MEDIAMESH_STORAGE_DIR: tempDirForTest('mediamesh-gone-'), MEDIAMESH_ZK: zk.connectString })],
  ['the gateway', 'services/gateway/main.ts', () => ({ MEDIAMESH_GATEWAY_PORT: '0', MEDIAMESH_ZK: zk.connectString })],
  ['the control plane', 'mesh/control-plane/main.ts', () => ({ MEDIAMESH_ZK: zk.connectString, MEDIAMESH_XDS_PORT: '0', MEDIAMESH_CP_STATUS_PORT: '0' })],
];

describe('a process whose launcher is gone', () => {
  it.each(ENTRIES)('%s stops gracefully by itself and exits 0', async (_, entry, env) => {
    let svc: StartedService | undefined;
    try {
      svc = await startService(entry, { env: { OTEL_SDK_DISABLED: 'true', MEDIAMESH_INSTANCE_ID: `gone-${entry.split('/')[1]}`, ...env() } });
      // The launcher's end of the pipe closes: what the kernel does when the launcher dies.
      (svc.child.stdio[3] as net.Socket).destroy();
      await svc.waitForLog((l) => l.event === 'launcher-gone', 5000);
      const stopped = svc.waitForLog((l) => l.event === 'stopped', 20_000);
      expect(await svc.exited).toBe(0);
      await stopped;
    } finally {
      await svc?.kill();
    }
  });
});
