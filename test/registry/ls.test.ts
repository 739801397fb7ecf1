import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../mesh/registry';
import { distEntry } from '../../core/paths';
import { setLogLevel } from '../../core/log';
import { freePort } from '../../launcher/ports';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';

setLogLevel('error');

const cli = (...args: string[]) => spawnSync(process.execPath, [distEntry('mesh/cli/main.ts'), 'ls', ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, MEDIAMESH_ZK: '' } });

describe('mediamesh ls', () => {
  let zk: ZooKeeperServer;
  let registry: Registry;

  beforeAll(async () => {
    zk = await startZooKeeper();
    registry = createRegistry({ connectString: zk.connectString });
    const base = { address: '10.0.0.1', version: 'v1', zone: 'zone-a', weight: 1, protoServices: [], startedAt: new Date().toISOString() };
    await registry.register({ ...base, service: 'image', instanceId: 'image-a', port: 5001 });
    await registry.register({ ...base, service: 'image', instanceId: 'image-b', port: 5002, version: 'v2', zone: 'zone-b' }, 'NOT_SERVING');
    await registry.register({ ...base, service: 'storage', instanceId: 'storage-a', port: 6001 });
    await registry.session.create('/mediamesh/services/storage/junk', Buffer.from('not json'));
  });
  afterAll(async () => {
    await registry?.close();
    await zk?.stop();
  });

  it('prints a table of services and instances, and the bad node on stderr', () => {
    const r = cli('--zk', zk.connectString);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['SERVICE', 'INSTANCE', 'ADDRESS', 'VERSION', 'ZONE', 'HEALTH', 'AGE']);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 6).join(' '))).toEqual([
      'image image-a 10.0.0.1:5001 v1 zone-a SERVING',
      'image image-b 10.0.0.1:5002 v2 zone-b NOT_SERVING',
      'storage storage-a 10.0.0.1:6001 v1 zone-a SERVING',
    ]);
    expect(r.stderr).toMatch(/skipping an invalid registry node \/mediamesh\/services\/storage\/junk: \(root\): not JSON/);
  });

  it('prints JSON with --json', () => {
    const r = cli('--zk', zk.connectString, '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.services)).toEqual(['image', 'storage']);
    expect(out.services.image[1]).toMatchObject({ id: 'image-b', port: 5002, health: 'NOT_SERVING', version: 'v2' });
  });

  it('fails with a clear message when ZooKeeper cannot be reached', async () => {
    const port = await freePort();
    const r = cli('--zk', `127.0.0.1:${port}`, '--timeout-ms', '1000');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot reach ZooKeeper at 127.0.0.1:${port} within 1000 ms`);
  });
});
