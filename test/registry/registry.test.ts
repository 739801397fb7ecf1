import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry, type RegistrySnapshot, type ServiceInstance } from '../../mesh/registry';
import type { InstanceInfo } from '../../core/hooks';
import { createLogger, setLogLevel, type Logger } from '../../core/log';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { eventually, startProbe } from './support';

setLogLevel('error');

const info = (service: string, id: string, port: number, extra: Partial<InstanceInfo> = {}): InstanceInfo => ({
  service,
  instanceId: id,
  address: '127.0.0.1',
  port,
  version: 'v1',
  zone: 'zone-a',
  weight: 1,
  protoServices: ['mediamesh.test.v1.Probe'],
  startedAt: new Date().toISOString(),
  ...extra,
});

describe('registry: register, discover, deregister', () => {
  let zk: ZooKeeperServer;
  const registries: Registry[] = [];
  const open = (basePath = '/mediamesh', log?: Logger) => {
    const r = createRegistry({ connectString: zk.connectString, basePath, sessionTimeoutMs: 2_000, log });
    registries.push(r);
    return r;
  };

  beforeAll(async () => {
    zk = await startZooKeeper({ tickTimeMs: 250, minSessionTimeoutMs: 500 });
  });
  afterAll(async () => {
    await Promise.all(registries.map((r) => r.close()));
    await zk?.stop();
  });

  it('registers Curator JSON, discovers it, follows health updates and deregisters', async () => {
    const a = open();
    const b = open();
    const seen: (readonly ServiceInstance[])[] = [];
    b.watchService('image', { onChanged: (list) => seen.push(list) });
    const reg = await a.register(info('image', 'image-1', 7001));
    await eventually(() => expect(seen.at(-1)?.map((i) => i.id)).toEqual(['image-1']));
    const got = seen.at(-1)![0];
    expect(got).toMatchObject({ service: 'image', address: '127.0.0.1', port: 7001, version: 'v1', zone: 'zone-a', health: 'SERVING', weight: 1 });
    expect(got.protoServices).toEqual(['mediamesh.test.v1.Probe']);

    const raw = JSON.parse((await a.session.getData('/mediamesh/services/image/image-1'))!.data.toString());
    expect(Object.keys(raw)).toEqual(['name', 'id', 'address', 'port', 'sslPort', 'payload', 'registrationTimeUTC', 'serviceType', 'uriSpec']);
    expect(raw.payload['@class']).toBe('java.util.LinkedHashMap');

    await reg.update({ health: 'NOT_SERVING', weight: 5 });
    await eventually(() => expect(seen.at(-1)?.[0]).toMatchObject({ health: 'NOT_SERVING', weight: 5 }));
    await reg.deregister();
    await eventually(() => expect(seen.at(-1)).toEqual([]));
    expect(await a.session.exists('/mediamesh/services/image/image-1')).toBe(false);
  });

  it('coalesces a burst into few updates and skips a garbage znode with a logged error', async () => {
    const a = open('/burst');
    const logged: Record<string, unknown>[] = [];
    const capture: Logger = { ...createLogger({}), error: (msg, fields) => logged.push({ msg, ...fields }), child: () => capture };
    const b = open('/burst', capture);
    const updates: (readonly ServiceInstance[])[] = [];
    b.watchService('video', { onChanged: (list) => updates.push(list) });
    await eventually(() => expect(updates).toEqual([[]]));
    await a.session.mkdirp('/burst/services/video');
    await a.session.create('/burst/services/video/garbage', Buffer.from('{"name":"video","port":"eighty"'));
    await a.session.create('/burst/services/video/foreign', Buffer.from(JSON.stringify({ name: 'video', id: 'foreign', address: '10.0.0.9', port: 99999 })));
    await Promise.all(Array.from({ length: 20 }, (_, i) => a.register(info('video', `video-${String(i).padStart(2, '0')}`, 8000 + i))));
    await eventually(() => expect(updates.at(-1)?.length).toBe(20));
    // 20 registrations + 2 bad nodes arrived as a handful of updates, not 22.
    expect(updates.length).toBeLessThan(12);
    const snap = await b.list();
    expect(snap.get('video')?.length).toBe(20);
    const bad = logged.filter((l) => l.event === 'bad-znode');
    expect(bad.map((l) => l.path)).toEqual(expect.arrayContaining(['/burst/services/video/garbage', '/burst/services/video/foreign']));
    expect(bad.find((l) => l.path === '/burst/services/video/foreign')?.errors).toEqual(['port: expected an integer from 1 to 65535 or null']);
  });

  it('watchAll sees new services appear and keeps a consistent snapshot', async () => {
    const a = open('/all');
    const b = open('/all');
    const snaps: RegistrySnapshot[] = [];
    b.watchAll({ onChanged: (s) => snaps.push(s) });
    await eventually(() => expect(snaps.at(-1)?.size).toBe(0));
    await a.register(info('storage', 'storage-1', 9001));
    await a.register(info('gateway', 'gateway-1', 8080));
    await eventually(() => expect([...snaps.at(-1)!.keys()]).toEqual(['gateway', 'storage']));
    expect(snaps.at(-1)!.get('storage')![0].port).toBe(9001);
  });

  it('rejects a malformed registration with every problem named', async () => {
    const a = open();
    const err = await a.register(info('bad name', 'id/with/slash', 0, { address: 'localhost' })).catch((e) => e);
    expect(err.message).toMatch(/service: .*instanceId: .*address: "localhost" is not an IP literal.*port: 0/);
  });

  it('a process registers once serving; graceful stop removes it at once; kill -9 after the session timeout', async () => {
    const watcher = open();
    const seen: (readonly ServiceInstance[])[] = [];
    watcher.watchService('probe', { onChanged: (l) => seen.push(l) });
    const p1 = await startProbe(zk.connectString, 'probe-graceful');
    const p2 = await startProbe(zk.connectString, 'probe-killed');
    try {
      await eventually(() => expect(seen.at(-1)?.map((i) => i.id)).toEqual(['probe-graceful', 'probe-killed']), 10_000);
      expect(seen.at(-1)!.find((i) => i.id === 'probe-graceful')!.port).toBe(p1.port);

      const stopped = p1.stop();
      await eventually(() => expect(seen.at(-1)?.map((i) => i.id)).toEqual(['probe-killed']), 5_000);
      expect(await stopped).toBe(0);
      // Removed by the process itself on SIGTERM (first, before its drain), not by session expiry.
      const events = p1.logs.map((l) => l.event);
      expect(events).toContain('deregistered');
      expect(events.indexOf('deregistered')).toBeLessThan(events.indexOf('stopped'));

      const t1 = Date.now();
      await p2.kill();
      await eventually(() => expect(seen.at(-1)).toEqual([]), 15_000);
      // A crashed instance stays until ZooKeeper expires its session (2 s here), not forever and not at once.
      expect(Date.now() - t1).toBeGreaterThan(1_000);
    } finally {
      await p1.kill();
      await p2.kill();
    }
  });

  it('registers once ZooKeeper becomes reachable when it was down at start (last: it restarts ZooKeeper)', async () => {
    await zk.pause();
    const a = createRegistry({ connectString: zk.connectString, basePath: '/late', sessionTimeoutMs: 2_000, registerWaitMs: 200 });
    registries.push(a);
    const reg = await a.register(info('late', 'late-1', 7100)); // resolves: registration continues in the background
    expect(reg).toBeDefined();
    await zk.start();
    const b = open('/late');
    await eventually(async () => expect(await b.session.exists('/late/services/late/late-1')).toBe(true), 20_000);
  });
});

describe('runtime registration hook (MEDIAMESH_ZK set)', () => {
  let zk: ZooKeeperServer;
  beforeAll(async () => {
    zk = await startZooKeeper({ tickTimeMs: 250, minSessionTimeoutMs: 500 });
  });
  afterAll(async () => {
    await zk?.stop();
  });

  it('registers once serving under MEDIAMESH_ZK_BASE_PATH, follows health and deregisters first on shutdown', async () => {
    const { runService } = await import('../../services/runtime/server');
    const watcher = createRegistry({ connectString: zk.connectString, basePath: '/custom' });
    const seen: (readonly ServiceInstance[])[] = [];
    watcher.watchService('hooked', { onChanged: (l) => seen.push(l) });
    const svc = await runService(
      { name: 'hooked', protoFiles: [], protoServices: [], specs: {}, register: () => undefined },
      { MEDIAMESH_ZK: zk.connectString, MEDIAMESH_ZK_BASE_PATH: '/custom', MEDIAMESH_INSTANCE_ID: 'hooked-1', MEDIAMESH_DEREGISTER_DELAY_MS: '0', MEDIAMESH_VERSION: 'v9' },
    );
    try {
      await eventually(() => expect(seen.at(-1)?.map((i) => [i.id, i.port, i.version, i.health])).toEqual([['hooked-1', svc.instance.port, 'v9', 'SERVING']]));
      svc.setHealth('NOT_SERVING');
      await eventually(() => expect(seen.at(-1)?.[0].health).toBe('NOT_SERVING'));
      svc.setHealth('SERVING');
      await eventually(() => expect(seen.at(-1)?.[0].health).toBe('SERVING'));
    } finally {
      await svc.shutdown();
    }
    await eventually(() => expect(seen.at(-1)).toEqual([]));
    await watcher.close();
  });
});
