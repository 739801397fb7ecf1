/**
 * Failure handling: a deliberately invalid resource is NACKed, shows NACKED in /status and
 * traffic keeps flowing on the last good config; the control plane restarted under load
 * does not interrupt traffic, and clients resync with the new process afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE_URL } from '../../mesh/envoy-api';
import { startControlPlaneServer, type RunningControlPlane } from '../../mesh/control-plane/server';
import { makeResource, type TypeResources } from '../../mesh/control-plane/snapshot';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readPolicy } from '../../mesh/control-plane/policy/policy-store';
import { distEntry, repoRoot } from '../../core/paths';
import { freePort } from '../../launcher/ports';
import { startNode } from '../../launcher/process';
import { tempDirForTest } from '../harness/temp-dir';
import { countInstances, createMeshFixture, eventually, type MeshFixture } from './fixtures/mesh-fixture';
import { createXdsBootstrap } from '../../mesh/client/bootstrap';
import { echoClient } from './fixtures/echo-backend';

let fx: MeshFixture;

beforeAll(async () => {
  fx = await createMeshFixture();
});
afterAll(async () => {
  await fx?.close();
});

describe('control plane failure handling', () => {
  it('a NACKed resource shows NACKED with the client error, and traffic keeps the last good config', async () => {
    // In-process control plane, so the test can publish a resource no translator would build.
    const cp: RunningControlPlane = await startControlPlaneServer({
      zk: fx.zk.connectString, zkBasePath: '/mediamesh', host: '127.0.0.1', xdsPort: 0, statusHost: '127.0.0.1', statusPort: 0, policyFile: '', debounceMs: 10,
    });
    try {
      await fx.addInstance('nacked', 'n-1');
      const client = echoClient('xds:///nacked', JSON.stringify(createXdsBootstrap({ server: `127.0.0.1:${cp.xdsPort}`, nodeId: 'nack-node', zone: 'zone-a' })));
      await eventually(async () => expect(await countInstances(client, 5)).toEqual({ 'n-1': 5 }));
      const group = 'proxyless/zone-a';
      const snap = cp.controlPlane.cache.getSnapshot(group)!;
      const eds = snap.get(TYPE_URL.endpoint)!;
      const bad = makeResource(TYPE_URL.endpoint, 'nacked', {
        cluster_name: 'nacked',
        // grpc-js requires IP literals: a hostname is NACKed.
        endpoints: [{ locality: { zone: 'zone-a' }, load_balancing_weight: { value: 1 }, lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'not-an-ip.invalid', port_value: 1 } } } }] }],
      });
      const badEds: TypeResources = { version: `${eds.version}-bad`, resources: new Map([...eds.resources, ['nacked', bad]]) };
      cp.controlPlane.cache.setSnapshot(group, new Map([...snap, [TYPE_URL.endpoint, badEds]]));

      const status = await eventually(async () => {
        const res = await fetch(`http://127.0.0.1:${cp.statusPort}/status`);
        const doc = (await res.json()) as { nodes: Array<{ nodeId: string; types: Record<string, { status: string; version: string; error?: string }> }> };
        const node = doc.nodes.find((n) => n.nodeId === 'nack-node')!;
        expect(node.types.EDS.status).toBe('NACKED');
        return node;
      });
      expect(status.types.EDS.version).toBe(badEds.version);
      expect(status.types.EDS.error).toMatch(/not-an-ip|address|IP/i);
      expect(status.types.LDS.status).toBe('ACKED');
      expect(await countInstances(client, 20)).toEqual({ 'n-1': 20 });
      // The dump shows what the node was sent.
      const dump = await (await fetch(`http://127.0.0.1:${cp.statusPort}/config_dump?node=nack-node`)).json();
      expect(JSON.stringify(dump)).toContain('not-an-ip.invalid');

      // The next real change publishes a good version, which is ACKed.
      await fx.addInstance('nacked', 'n-2');
      await eventually(async () => expect(Object.keys(await countInstances(client, 20)).sort()).toEqual(['n-1', 'n-2']));
      await eventually(async () => {
        const doc = (await (await fetch(`http://127.0.0.1:${cp.statusPort}/status`)).json()) as { nodes: Array<{ nodeId: string; types: Record<string, { status: string }> }> };
        expect(doc.nodes.find((n) => n.nodeId === 'nack-node')!.types.EDS.status).toBe('ACKED');
      });
      client.close();
    } finally {
      await cp.stop();
    }
  });

  it('a control plane restarted under load does not interrupt traffic; clients resync afterwards', async () => {
    const port = await freePort();
    await fx.cp.stop();
    await fx.startControlPlane(port);
    await Promise.all([fx.addInstance('steady', 's-1'), fx.addInstance('steady', 's-2')]);
    const client = fx.client('steady');
    await eventually(async () => expect(Object.keys(await countInstances(client, 20)).sort()).toEqual(['s-1', 's-2']));

    let stop = false;
    const tally: Record<string, number> = {};
    const load = (async () => {
      while (!stop) Object.entries(await countInstances(client, 10)).forEach(([k, v]) => (tally[k] = (tally[k] ?? 0) + v));
    })();
    await new Promise((r) => setTimeout(r, 300));
    expect(await fx.cp.stop()).toBe(0); // graceful exit code
    await new Promise((r) => setTimeout(r, 1_000)); // control plane down: traffic on the last config
    // The new process also seeds the example policy file (services without a policy only).
    await fx.startControlPlane(port, { MEDIAMESH_POLICY_FILE: path.join(repoRoot(), 'deploy/mesh-policy.example.yaml') });
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await load;
    expect(Object.keys(tally).filter((k) => k.startsWith('error'))).toEqual([]);
    expect((tally['s-1'] ?? 0) + (tally['s-2'] ?? 0)).toBeGreaterThan(50);

    // Resync: a change made after the restart reaches the client through the new process.
    await fx.addInstance('steady', 's-3');
    await eventually(async () => expect(Object.keys(await countInstances(client, 30)).sort()).toEqual(['s-1', 's-2', 's-3']), 30_000);
    const status = await fx.status();
    expect(status.nodes.some((n) => n.types.EDS?.status === 'ACKED')).toBe(true);
    const seeded = await eventually(async () => (await readPolicy(fx.registry.session, '/mediamesh', 'image'))!.policy);
    expect(seeded.subsets).toEqual([{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }]);
  });

  it('refuses to start with an invalid policy file, naming every error (exit 2)', async () => {
    const file = path.join(tempDirForTest('mm-policy-'), 'bad.yaml');
    fs.writeFileSync(file, 'services:\n  image:\n    retry: { on: [sometimes], attempts: 0 }\n    colour: blue\n');
    const proc = startNode(distEntry('mesh/control-plane/main.ts'), { env: { MEDIAMESH_ZK: fx.zk.connectString, MEDIAMESH_XDS_PORT: '0', MEDIAMESH_CP_STATUS_PORT: '0', MEDIAMESH_POLICY_FILE: file } });
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toMatch(/services\.image\.colour: unknown field/);
    expect(proc.stderr()).toMatch(/services\.image\.retry\.on\[0\]: unknown code sometimes/);
    expect(proc.stderr()).toMatch(/services\.image\.retry\.attempts: must be between 1 and 10/);
  });
});
