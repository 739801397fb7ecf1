/**
 * The mesh CLI against a real ZooKeeper and control plane: canary/route/fault write
 * validated policy that changes live traffic, status lists nodes with ACKED types, and
 * `call` reaches a real mediamesh service (storage) through xds:///storage.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli';
import { startService, type StartedService } from '../../launcher/process';
import { countInstances, createMeshFixture, eventually, type MeshFixture } from './fixtures/mesh-fixture';

let fx: MeshFixture;

const cli = (...args: string[]) => runCli({ MEDIAMESH_ZK: fx.zk.connectString }, ...args);

beforeAll(async () => {
  fx = await createMeshFixture();
});
afterAll(async () => {
  await fx?.close();
});

describe('mediamesh CLI', () => {
  it('canary: refuses an invalid split with the reason, sets, promotes and rolls back', async () => {
    await Promise.all([fx.addInstance('cli-canary', 'cc-v1', { version: 'v1' }), fx.addInstance('cli-canary', 'cc-v2', { version: 'v2' })]);
    const bad = await cli('canary', 'cli-canary', '--weights', 'v1=80,v2=30');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/weights must sum to 100 \(got 110\)/);
    const usage = await cli('canary', 'cli-canary');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/choose exactly one of --weights/);

    expect((await cli('canary', 'cli-canary', '--weights', 'v1=0,v2=100')).code).toBe(0);
    const client = fx.client('cli-canary');
    await eventually(async () => expect(await countInstances(client, 20)).toEqual({ 'cc-v2': 20 }));
    expect((await cli('canary', 'cli-canary', '--rollback')).code).toBe(0);
    await eventually(async () => expect(await countInstances(client, 20)).toEqual({ 'cc-v1': 20 }));
    expect((await cli('canary', 'cli-canary', '--promote', 'v2')).code).toBe(0);
    await eventually(async () => expect(await countInstances(client, 20)).toEqual({ 'cc-v2': 20 }));
    const shown = await cli('canary', 'cli-canary', '--show');
    expect(JSON.parse(shown.stdout)).toEqual({ subsets: [{ version: 'v2', weight: 100 }], rollbackVersion: 'v1' });
  });

  it('route and fault change live traffic; the fault expires by itself', async () => {
    await Promise.all([fx.addInstance('cli-route', 'cr-v1', { version: 'v1' }), fx.addInstance('cli-route', 'cr-v2', { version: 'v2' })]);
    expect((await cli('route', 'cli-route', '--header', 'x-tester=alice', '--to', 'v2')).code).toBe(0);
    const client = fx.client('cli-route');
    await eventually(async () => expect(await countInstances(client, 10, { 'x-tester': 'alice' })).toEqual({ 'cr-v2': 10 }));
    const fault = await cli('fault', 'cli-route', '--abort', '14', '--for', '3s');
    expect(fault.code).toBe(0);
    await eventually(async () => expect(await countInstances(client, 10)).toEqual({ 'error:14': 10 }));
    await eventually(async () => expect((await countInstances(client, 10))['error:14']).toBeUndefined(), 15_000, 250);
    const badFault = await cli('fault', 'cli-route', '--delay', 'soon');
    expect(badFault.code).toBe(2);
    expect(badFault.stderr).toMatch(/--delay: expected a duration/);
  });

  it('status lists connected nodes with ACKED types; --node dumps a node', async () => {
    const status = await eventually(async () => {
      const r = await cli('status', '--cp', `127.0.0.1:${fx.cp.statusPort}`);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/EDS {2}ACKED/);
      return r.stdout;
    });
    const nodeId = /^(\S+) \(stream/m.exec(status)![1];
    const dump = await cli('status', '--cp', `127.0.0.1:${fx.cp.statusPort}`, '--node', nodeId);
    expect(dump.code).toBe(0);
    expect(JSON.parse(dump.stdout).streams[0].configs.LDS.resources.length).toBeGreaterThan(0);
    const down = await cli('status', '--cp', '127.0.0.1:1');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the control plane/);
  });

  it('call reaches a real service through xds:///storage, JSON in and out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-cli-storage-'));
    let storage: StartedService | undefined;
    try {
      storage = await startService('services/storage/main.ts', { env: { MEDIAMESH_ZK: fx.zk.connectString, MEDIAMESH_STORAGE_DIR: dir, MEDIAMESH_INSTANCE_ID: 'storage-cli' } });
      const xds = `127.0.0.1:${fx.cp.port}`;
      await eventually(async () => {
        const r = await cli('call', 'storage.CreateBucket', '{"bucket":{"name":"clitest"}}', '--xds', xds, '--timeout', '5s');
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      }, 30_000, 500);
      const list = await cli('call', 'storage.ListBuckets', '{}', '--xds', xds);
      expect(list.code).toBe(0);
      expect(list.stdout).toContain('clitest');
      const bad = await cli('call', 'storage.NoSuchMethod', '{}', '--xds', xds);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/no method "storage.NoSuchMethod"; known: .*storage.ListBuckets/);
    } finally {
      await storage?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
