import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerZkResolver } from '../../mesh/registry';
import { setLogLevel } from '../../core/log';
import type { StartedService } from '../../launcher/process';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { eventually, spread, startProbe } from './support';

setLogLevel('error');

describe('zk:/// resolver: a plain grpc-js client round-robins over registered instances', () => {
  let zk: ZooKeeperServer;
  const probes: StartedService[] = [];
  let client: grpc.Client;

  beforeAll(async () => {
    zk = await startZooKeeper({ tickTimeMs: 250, minSessionTimeoutMs: 500 });
    registerZkResolver({ connectString: zk.connectString });
    for (const id of ['rr-1', 'rr-2', 'rr-3']) probes.push(await startProbe(zk.connectString, id, { MEDIAMESH_PROBE_SERVICE: 'rr' }));
    client = new grpc.Client('zk:///rr', grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await Promise.all(probes.map((p) => p.kill()));
    await zk?.stop();
  });

  it('spreads calls over all three instances', async () => {
    await eventually(async () => expect(Object.keys(await spread(client, 12)).sort()).toEqual(['rr-1', 'rr-2', 'rr-3']), 10_000);
    const counts = await spread(client, 30);
    expect(counts).toEqual({ 'rr-1': 10, 'rr-2': 10, 'rr-3': 10 });
  });

  it('stops sending to an instance once it deregisters', async () => {
    await probes[0].stop();
    const counts = await spread(client, 30);
    expect(counts['rr-1']).toBeUndefined();
    expect(counts).toEqual({ 'rr-2': 15, 'rr-3': 15 });
  });

  it('keeps calling the last known instances while ZooKeeper is unreachable', async () => {
    await zk.pause();
    try {
      await new Promise((r) => setTimeout(r, 2_500)); // past the resolver's session timeout too
      const counts = await spread(client, 30);
      expect(counts).toEqual({ 'rr-2': 15, 'rr-3': 15 });
    } finally {
      await zk.start();
    }
  });

  it('fails a target without a service or without ZooKeeper with a clear status', async () => {
    const bad = new grpc.Client('zk:///', grpc.credentials.createInsecure());
    const err = await spread(bad, 1).catch((e) => e);
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    expect(err.details).toMatch(/names no service/);
    bad.close();
  });
});
