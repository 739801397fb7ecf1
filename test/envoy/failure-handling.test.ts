/**
 * Failure handling with real Envoy sidecars: a resource Envoy NACKs shows NACKED in /status with
 * Envoy's own error text while traffic keeps flowing on the last good config; a control plane
 * restarted under load and a ZooKeeper down for 30 s cost no call (Envoy keeps what it holds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE_URL } from '../../mesh/envoy-api';
import { startControlPlaneServer } from '../../mesh/control-plane/server';
import { makeResource, type TypeResources } from '../../mesh/control-plane/snapshot';
import { freePort } from '../../launcher/ports';
import { startSidecar } from '../../launcher/sidecar';
import { echoClient } from '../control-plane/fixtures/echo-backend';
import { countInstances, eventually, failedCalls, underLoad } from '../control-plane/fixtures/mesh-fixture';
import { createEnvoyMesh, type EnvoyMesh } from './fixtures/envoy-mesh';

let fx: EnvoyMesh;

beforeAll(async () => {
  fx = await createEnvoyMesh();
});
afterAll(async () => {
  await fx?.close();
});

describe('Envoy sidecars when things break', () => {
  it('a resource Envoy NACKs shows NACKED with Envoy’s own error while traffic keeps the last good config', async () => {
    const cp = await startControlPlaneServer({
      zk: fx.zk.connectString, zkBasePath: '/mediamesh', host: '127.0.0.1', xdsPort: 0, statusHost: '127.0.0.1', statusPort: 0, policyFile: '', debounceMs: 10,
    });
    const sidecar = await startSidecar({ service: 'client', nodeId: 'nack-envoy', xds: `127.0.0.1:${cp.xdsPort}`, zone: 'zone-a' });
    try {
      await fx.addInstance('nacked', 'n-1');
      const client = echoClient(sidecar.outbound, undefined, { 'grpc.default_authority': 'nacked' });
      await eventually(async () => expect(await countInstances(client, 5)).toEqual({ 'n-1': 5 }));
      const group = cp.controlPlane.groups().find((g) => g.role === 'envoy' && g.appService === 'client')!.key;
      const snap = cp.controlPlane.cache.getSnapshot(group)!;
      const eds = snap.get(TYPE_URL.endpoint)!;
      // Envoy wants IP literals in an EDS cluster's endpoints: a hostname is NACKed.
      const bad = makeResource(TYPE_URL.endpoint, 'nacked', {
        cluster_name: 'nacked',
        endpoints: [{ locality: { zone: 'zone-a' }, lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'not-an-ip.invalid', port_value: 1 } } } }] }],
      });
      const badEds: TypeResources = { version: `${eds.version}-bad`, resources: new Map([...eds.resources, ['nacked', bad]]) };
      cp.controlPlane.cache.setSnapshot(group, new Map([...snap, [TYPE_URL.endpoint, badEds]]));

      let node: { types: Record<string, { status: string; version: string; error?: string }> } | undefined;
      const tally = await underLoad(client, async () => {
        node = await eventually(async () => {
          const doc = (await (await fetch(`http://127.0.0.1:${cp.statusPort}/status`)).json()) as { nodes: Array<{ nodeId: string; types: Record<string, { status: string; version: string; error?: string }> }> };
          const n = doc.nodes.find((x) => x.nodeId === 'nack-envoy')!;
          expect(n.types.EDS.status).toBe('NACKED');
          return n;
        });
      });
      expect(node!.types.EDS.version).toBe(badEds.version);
      // Envoy's own words (source/common/network/utility.cc), not ours.
      expect(node!.types.EDS.error).toMatch(/malformed\s+IP\s+address:\s+not-an-ip\.invalid/);
      expect(node!.types.LDS.status).toBe('ACKED');
      expect(failedCalls(tally)).toEqual({});
      expect(tally['n-1']).toBeGreaterThan(0);
      expect(await countInstances(client, 20)).toEqual({ 'n-1': 20 });
      // Envoy says so too: its EDS update was rejected.
      expect(await sidecar.envoy.admin('/stats?filter=cluster.nacked.update_rejected')).toMatch(/update_rejected: [1-9]/);
      client.close();
    } finally {
      await sidecar.stop();
      await cp.stop();
    }
  });

  it('a control plane restarted under load costs no call: Envoy keeps its last config, then resyncs', async () => {
    const port = await freePort();
    await fx.cp.stop();
    await fx.startControlPlane(port);
    await Promise.all([fx.addInstance('steady', 's-1'), fx.addInstance('steady', 's-2')]);
    const client = await fx.envoyClient('steady');
    await eventually(async () => expect(Object.keys(await countInstances(client, 20)).sort()).toEqual(['s-1', 's-2']));
    const tally = await underLoad(client, async () => {
      await new Promise((r) => setTimeout(r, 300));
      expect(await fx.cp.stop()).toBe(0);
      await new Promise((r) => setTimeout(r, 2_000)); // control plane down: traffic on the last config
      await fx.startControlPlane(port);
      await new Promise((r) => setTimeout(r, 1_000));
    });
    expect(failedCalls(tally)).toEqual({});
    expect((tally['s-1'] ?? 0) + (tally['s-2'] ?? 0)).toBeGreaterThan(50);
    // Resync: a change made after the restart reaches the sidecar through the new process.
    await fx.addInstance('steady', 's-3');
    await eventually(async () => expect(Object.keys(await countInstances(client, 30)).sort()).toEqual(['s-1', 's-2', 's-3']), 30_000);
    const status = await fx.status();
    expect(status.nodes.find((n) => n.nodeId === client.sidecar.nodeId)?.types.EDS.status).toBe('ACKED');
  });

  it('a control plane restarted before it can read ZooKeeper answers no sidecar until it has: no call fails', async () => {
    // The chaos run's "no healthy upstream": a new control plane answered the sidecars' reconnecting
    // streams from what it had read so far (nothing, or the policies before the instances), and a
    // cluster with no endpoints replaced the sidecar's last good one. Here ZooKeeper stays down
    // until a sidecar's stream is open on the new process, so that window is as wide as it can be.
    const port = await freePort();
    await fx.cp.stop();
    await fx.startControlPlane(port);
    await Promise.all([fx.addInstance('synced', 'sy-1'), fx.addInstance('synced', 'sy-2')]);
    await fx.setPolicy('synced', { retry: { on: ['unavailable'], attempts: 2 } });
    const client = await fx.envoyClient('synced');
    await eventually(async () => expect(Object.keys(await countInstances(client, 20)).sort()).toEqual(['sy-1', 'sy-2']));
    const edsOf = async () => (await fx.status()).nodes.find((n) => n.nodeId === client.sidecar.nodeId)?.types.EDS;
    const tally = await underLoad(client, async () => {
      expect(await fx.cp.stop()).toBe(0);
      await fx.zk.pause();
      await fx.startControlPlane(port);
      // The sidecar reconnects (Envoy's ADS back-off) to a control plane that cannot read the registry.
      await eventually(async () => expect(await edsOf()).toBeDefined(), 30_000, 100);
      await new Promise((r) => setTimeout(r, 1_000));
      await fx.zk.start();
      await eventually(async () => expect((await edsOf())?.status).toBe('ACKED'), 30_000, 100);
      await new Promise((r) => setTimeout(r, 1_000));
    });
    expect(failedCalls(tally)).toEqual({});
    expect(tally['sy-1']).toBeGreaterThan(20);
    expect(tally['sy-2']).toBeGreaterThan(20);
  }, 120_000);

  it('ZooKeeper down for 30 s costs no call', async () => {
    await Promise.all([fx.addInstance('zkdown', 'zd-1'), fx.addInstance('zkdown', 'zd-2')]);
    const client = await fx.envoyClient('zkdown');
    await eventually(async () => expect(Object.keys(await countInstances(client, 20)).sort()).toEqual(['zd-1', 'zd-2']));
    const tally = await underLoad(client, async () => {
      await fx.zk.pause();
      await new Promise((r) => setTimeout(r, 30_000));
      await fx.zk.start();
      await new Promise((r) => setTimeout(r, 5_000)); // sessions re-established, instances registered again
    });
    expect(failedCalls(tally)).toEqual({});
    expect(tally['zd-1']).toBeGreaterThan(100);
    expect(tally['zd-2']).toBeGreaterThan(100);
    await eventually(async () => expect(Object.keys(await countInstances(client, 20)).sort()).toEqual(['zd-1', 'zd-2']), 30_000);
  }, 120_000);
});
