/**
 * The gateway's life in the mesh: it registers in a real ZooKeeper as service `gateway`
 * (Curator x-discovery JSON with its HTTP port), exits 2 naming a bad variable, and on
 * SIGTERM deregisters, closes and exits 0.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRawClient, type ZkRawClient } from '../../mesh/registry/zk-client';
import { startNode, startService, type StartedService } from '../../launcher/process';
import { distEntry } from '../../core/paths';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { ADMIN, createBucket, request } from './stack';

function children(zk: ZkRawClient, p: string): Promise<string[]> {
  return new Promise((resolve) => zk.getChildren(p, undefined, (err, kids) => resolve(err || !kids ? [] : kids)));
}
function data(zk: ZkRawClient, p: string): Promise<string> {
  return new Promise((resolve, reject) => zk.getData(p, undefined, (err, buf) => (err || !buf ? reject(err) : resolve(buf.toString('utf8')))));
}

describe('gateway life cycle', () => {
  let zk: ZooKeeperServer;
  let client: ZkRawClient;
  let storage: StartedService;
  let home: string;

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-gw-life-'));
    zk = await startZooKeeper();
    client = newRawClient(zk.connectString, 10_000);
    await new Promise<void>((resolve) => {
      client.on('state', (st) => st.name === 'SYNC_CONNECTED' && resolve());
      client.connect();
    });
    storage = await startService('services/storage/main.ts', { env: { MEDIAMESH_HOME: home, OTEL_SDK_DISABLED: 'true' } });
  });
  afterAll(async () => {
    client?.close();
    await storage?.stop();
    await zk?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('registers as service gateway and deregisters on SIGTERM, exiting 0', async () => {
    const gw = await startService('services/gateway/main.ts', {
      env: {
        MEDIAMESH_HOME: home,
        OTEL_SDK_DISABLED: 'true',
        MEDIAMESH_ZK: zk.connectString,
        MEDIAMESH_INSTANCE_ID: 'gateway-life-1',
        MEDIAMESH_MESH_MODE: 'direct',
        MEDIAMESH_DIRECT_STORAGE: storage.address,
        MEDIAMESH_DIRECT_IMAGE: '127.0.0.1:1',
        MEDIAMESH_GATEWAY_PORT: '0',
      },
    });
    const deadline = Date.now() + 20_000;
    while (!(await children(client, '/mediamesh/services/gateway')).includes('gateway-life-1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const node = JSON.parse(await data(client, '/mediamesh/services/gateway/gateway-life-1'));
    expect(node).toMatchObject({ name: 'gateway', id: 'gateway-life-1', port: gw.port });
    expect((await request(`http://127.0.0.1:${gw.port}`, 'GET', '/healthz')).status).toBe(200);

    expect(await gw.stop()).toBe(0);
    expect(await children(client, '/mediamesh/services/gateway')).not.toContain('gateway-life-1');
    expect(gw.logs.some((l) => l.event === 'stopped')).toBe(true);
  });

  it('sheds load with 429 beyond its slots and queue, and drops clients that send headers too slowly', async () => {
    const gw = await startService('services/gateway/main.ts', {
      env: {
        MEDIAMESH_HOME: home,
        OTEL_SDK_DISABLED: 'true',
        MEDIAMESH_MESH_MODE: 'direct',
        MEDIAMESH_DIRECT_STORAGE: storage.address,
        MEDIAMESH_DIRECT_IMAGE: '127.0.0.1:1',
        MEDIAMESH_GATEWAY_PORT: '0',
        MEDIAMESH_ADMIN_TOKEN: ADMIN,
        MEDIAMESH_GATEWAY_MAX_CONCURRENT: '1',
        MEDIAMESH_GATEWAY_QUEUE_SIZE: '0',
        MEDIAMESH_GATEWAY_HEADERS_TIMEOUT_MS: '1000',
      },
    });
    try {
      const base = `http://127.0.0.1:${gw.port}`;
      await createBucket(base, 'slots', 'public');
      // A slow upload holds the only slot.
      const sock = net.connect(gw.port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      sock.write(`PUT /slots/slow.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Length: 100\r\n\r\n0123456789`);
      await new Promise((r) => setTimeout(r, 300));
      const shed = await request(base, 'GET', '/slots/slow.bin');
      expect(shed.status).toBe(429);
      expect(shed.json().error).toMatch(/too many requests/);
      expect((await request(base, 'GET', '/healthz')).status).toBe(200); // health is never shed
      sock.write('x'.repeat(90));
      const answer = await new Promise<string>((resolve) => sock.once('data', (d) => resolve(d.toString())));
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      sock.destroy();
      expect((await request(base, 'GET', '/slots/slow.bin')).status).toBe(200);
      expect((await request(base, 'GET', '/metrics')).body.toString()).toMatch(/mediamesh_gateway_rejected_total\{reason="queue_full"\} 1/);

      // Slowloris: headers that never finish are cut off after the headers timeout.
      const slow = net.connect(gw.port, '127.0.0.1');
      await new Promise((r) => slow.once('connect', r));
      slow.write('GET /slots/slow.bin HTTP/1.1\r\nHost: x\r\n');
      const started = Date.now();
      await new Promise<void>((resolve) => {
        slow.on('data', () => undefined);
        slow.once('close', () => resolve());
      });
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await gw.stop();
    }
  });

  it('exits 2 naming a bad variable', async () => {
    const proc = startNode(distEntry('services/gateway/main.ts'), { env: { MEDIAMESH_GATEWAY_PORT: 'eighty', OTEL_SDK_DISABLED: 'true' } });
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toMatch(/MEDIAMESH_GATEWAY_PORT/);
    const keys = startNode(distEntry('services/gateway/main.ts'), { env: { MEDIAMESH_SIGNING_KEYS: 'ak1:short', OTEL_SDK_DISABLED: 'true' } });
    expect(await keys.exited).toBe(2);
    expect(keys.stderr()).toMatch(/MEDIAMESH_SIGNING_KEYS: .*secret key must be at least 8/);
    // A combination no single variable's parser sees: a disk tier behind a results cache that is off.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-gw-cfg-'));
    const tier = startNode(distEntry('services/gateway/main.ts'), {
      env: { MEDIAMESH_HOME: home, MEDIAMESH_RESULT_CACHE_BYTES: '0', MEDIAMESH_RESULT_CACHE_DIR: 'results', OTEL_SDK_DISABLED: 'true' },
    });
    expect(await tier.exited).toBe(2);
    expect(tier.stderr()).toMatch(/MEDIAMESH_RESULT_CACHE_DIR: a disk tier needs the results cache on, but MEDIAMESH_RESULT_CACHE_BYTES=0/);
    fs.rmSync(home, { recursive: true, force: true });
  });
});
