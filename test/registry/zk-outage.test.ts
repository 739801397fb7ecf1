import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry, type ServiceInstance } from '../../mesh/registry';
import { setLogLevel } from '../../core/log';
import type { StartedService } from '../../launcher/process';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { checkHealth, eventually, sleep, startProbe } from './support';

setLogLevel((process.env.REG_LOG as 'info') || 'error');

describe('registry: ZooKeeper down for longer than the session timeout', () => {
  let zk: ZooKeeperServer;
  let watcher: Registry;
  const probes: StartedService[] = [];

  beforeAll(async () => {
    zk = await startZooKeeper({ tickTimeMs: 250, minSessionTimeoutMs: 500 });
    watcher = createRegistry({ connectString: zk.connectString, sessionTimeoutMs: 2_000 });
  });
  afterAll(async () => {
    await Promise.all(probes.map((p) => p.kill()));
    await watcher?.close();
    await zk?.stop();
  });

  it('keeps serving and the last known instances, then re-registers everything once, with no duplicates', async () => {
    const seen: (readonly ServiceInstance[])[] = [];
    watcher.watchService('outage', { onChanged: (l) => seen.push(l) });
    probes.push(await startProbe(zk.connectString, 'outage-a', { MEDIAMESH_PROBE_SERVICE: 'outage' }));
    probes.push(await startProbe(zk.connectString, 'outage-b', { MEDIAMESH_PROBE_SERVICE: 'outage' }));
    await eventually(() => expect(seen.at(-1)?.map((i) => i.id)).toEqual(['outage-a', 'outage-b']), 10_000);
    const ownersBefore = await Promise.all(['a', 'b'].map(async (x) => (await watcher.session.getData(`/mediamesh/services/outage/outage-${x}`))!.ephemeralOwner));
    const updatesBefore = seen.length;

    await zk.pause();
    // Down for 3 session timeouts: every client's own timer declares its session expired.
    await sleep(6_000);
    for (const p of probes) expect(p.logs.some((l) => l.event === 'zk-expired')).toBe(true);
    // Discovery still serves the last known instances; the services still answer.
    expect(seen.length).toBe(updatesBefore);
    expect(seen.at(-1)?.map((i) => i.id)).toEqual(['outage-a', 'outage-b']);
    for (const p of probes) {
      const direct = new grpc.Client(p.address, grpc.credentials.createInsecure());
      expect(await checkHealth(direct)).toBe(p.logs.find((l) => l.event === 'serving')?.instance);
      direct.close();
    }

    const back = Date.now();
    await zk.start();
    // Each instance replaces the node of its old (restored, not yet expired) session atomically.
    await eventually(async () => {
      for (const [n, x] of ['a', 'b'].entries()) {
        const node = await watcher.session.getData(`/mediamesh/services/outage/outage-${x}`);
        expect(node?.ephemeralOwner).toBeDefined();
        expect(node!.ephemeralOwner).not.toBe(ownersBefore[n]);
      }
    }, 15_000).catch((e) => {
      for (const p of probes) console.error(p.logs.filter((l) => l.level !== 'debug').map((l) => JSON.stringify(l)).join('\n'));
      throw e;
    });
    const reRegisteredMs = Date.now() - back;
    expect(reRegisteredMs).toBeLessThan(10_000);
    // Past the old sessions' expiry: still exactly the two instances, nothing lost, nothing doubled.
    await sleep(3_000);
    expect((await watcher.session.getChildren('/mediamesh/services/outage')).sort()).toEqual(['outage-a', 'outage-b']);
    await eventually(() => expect(seen.at(-1)?.map((i) => i.id)).toEqual(['outage-a', 'outage-b']));
    // Watchers never saw the instances vanish across the outage.
    expect(seen.every((l) => l.length === 2 || seen.indexOf(l) < updatesBefore)).toBe(true);
    for (const p of probes) expect(p.logs.filter((l) => l.event === 'registered').length).toBeGreaterThanOrEqual(2);
  });
});
