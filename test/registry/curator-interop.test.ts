import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry, type ServiceInstance } from '../../mesh/registry';
import { setLogLevel } from '../../core/log';
import { buildCuratorProbe, discoverWithCurator, registerWithCurator } from '../interop/curator/curator-probe';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { eventually } from './support';

setLogLevel('error');

describe('Apache Curator x-discovery interop (Java, Curator 5.9.0)', () => {
  let zk: ZooKeeperServer;
  let registry: Registry;
  let classpath: string;

  beforeAll(async () => {
    classpath = buildCuratorProbe(); // first run: Maven build (cached by source hash)
    zk = await startZooKeeper();
    registry = createRegistry({ connectString: zk.connectString, basePath: '/mediamesh' });
  }, 600_000);
  afterAll(async () => {
    await registry?.close();
    await zk?.stop();
  });

  it('mediamesh discovers a service registered by Curator', async () => {
    const seen: (readonly ServiceInstance[])[] = [];
    registry.watchService('greeter', { onChanged: (l) => seen.push(l) });
    const java = await registerWithCurator(classpath, { zk: zk.connectString, basePath: '/mediamesh/services', name: 'greeter', id: 'java-1', address: '10.1.2.3', port: 7777 });
    try {
      await eventually(() => expect(seen.at(-1)?.length).toBe(1), 10_000);
      expect(seen.at(-1)![0]).toMatchObject({
        service: 'greeter',
        id: 'java-1',
        address: '10.1.2.3',
        port: 7777,
        version: 'java-1',
        zone: 'zone-j',
        weight: 3,
        health: 'SERVING',
        protoServices: ['io.example.Greeter'],
      });
      expect((seen.at(-1)![0].payload as Record<string, unknown>)['@class']).toBe('java.util.LinkedHashMap');
    } finally {
      await java.stop();
    }
    await eventually(() => expect(seen.at(-1)).toEqual([]), 10_000);
  });

  it('Curator discovers a service registered by mediamesh, every field intact', async () => {
    const startedAt = new Date().toISOString();
    const reg = await registry.register({
      service: 'image',
      instanceId: 'image-7',
      address: '10.9.8.7',
      port: 50051,
      version: 'v2',
      zone: 'zone-b',
      weight: 4,
      protoServices: ['mediamesh.image.v1.ImageService'],
      startedAt,
    });
    const found = discoverWithCurator(classpath, zk.connectString, '/mediamesh/services', 'image');
    expect(found.instances).toHaveLength(1);
    const i = found.instances[0];
    expect(i).toMatchObject({ name: 'image', id: 'image-7', address: '10.9.8.7', port: 50051, enabled: true, serviceType: 'DYNAMIC', uri: 'http://10.9.8.7:50051' });
    expect(i.payloadClass).toBe('java.util.LinkedHashMap');
    expect(i.payload).toEqual({ version: 'v2', zone: 'zone-b', weight: 4, health: 'SERVING', services: ['mediamesh.image.v1.ImageService'], startedAt });
    await reg.deregister();
    expect(discoverWithCurator(classpath, zk.connectString, '/mediamesh/services', 'image').instances).toEqual([]);
  });
});
