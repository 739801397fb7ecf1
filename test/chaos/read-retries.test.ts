/**
 * #25 item 4, one retry per kind of failure: what one gateway request costs in storage reads when
 * storage fails under it. A thumbnail request is gateway → image → storage GetObject; every
 * storage instance counts the GetObject reads it serves (test/harness/get-object-faults.ts
 * preloaded), on the real mesh (ZooKeeper, control plane, gateway, image, storage processes), with
 * both data planes. The mesh's retry policy (attempts 2) and zone preference: the image instance
 * sits in zone-t, so its reads go to the storage instance of zone-t while that one is up.
 *
 * - One cut: the zone-t instance dies (SIGKILL) mid-body, after the object's head and first chunk.
 *   The read resumes on the other instance from the next byte: 2 reads, and the request answers.
 * - Storage down: every instance answers UNAVAILABLE before the head. The image's storage call is
 *   retried by the mesh (3 reads), and the image's UNAVAILABLE carries "do not retry" to the
 *   gateway's retry policy: 3 reads in all and a 503, where the nested retries made 81.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePolicies } from '../../bench/chaos/setup';
import { distEntry } from '../../core/paths';
import { startMesh, type LocalMesh, type MeshProcess } from '../../launcher/mesh';
import { eventually } from '../control-plane/fixtures/mesh-fixture';

const ZONE = 'zone-t';
const KEY = '/reads/big.jpg';
const RETRY = { on: ['unavailable'], attempts: 2, backoffBaseMs: 25, backoffMaxMs: 250 };

for (const meshMode of ['proxyless', 'envoy'] as const) {
  describe(`storage reads of one gateway request under failure (${meshMode})`, () => {
    let mesh: LocalMesh;
    let dying: MeshProcess | undefined;
    const readLog = path.join(os.tmpdir(), `mm-get-object-${process.pid}-${meshMode}.log`);
    const harness = { NODE_OPTIONS: `--require ${distEntry('test/harness/get-object-faults.ts')}`, GET_OBJECT_LOG: readLog };

    /** reads counts the GetObject calls served so far, by storage instance. */
    const reads = (): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (const id of fs.existsSync(readLog) ? fs.readFileSync(readLog, 'utf8').split('\n').filter(Boolean) : []) counts[id] = (counts[id] ?? 0) + 1;
      return counts;
    };
    const since = (before: Record<string, number>): Record<string, number> =>
      Object.fromEntries(Object.entries(reads()).flatMap(([id, n]) => (n > (before[id] ?? 0) ? [[id, n - (before[id] ?? 0)]] : [])));

    /** imageHolds waits until the image's data plane holds exactly these storage instances (ACKED EDS). */
    const imageHolds = async (present: MeshProcess[], absent: MeshProcess[]) => {
      const port = (p: MeshProcess) => p.sidecar?.inboundPort ?? p.port;
      const node = meshMode === 'envoy' ? 'image-1-envoy' : 'image-1';
      await eventually(async () => {
        const dump = (await (await fetch(`http://127.0.0.1:${mesh.controlPlane.statusPort}/config_dump?node=${node}`)).json()) as { streams: { configs: { EDS?: { status: string; resources: unknown[] } } }[] };
        const eds = dump.streams.map((s) => s.configs.EDS).find((e) => e);
        expect(eds?.status).toBe('ACKED');
        const text = JSON.stringify(eds!.resources);
        for (const p of present) expect(text).toContain(`"port_value":${port(p)}`);
        for (const p of absent) expect(text).not.toContain(`"port_value":${port(p)}`);
      }, 30_000, 100);
    };

    beforeAll(async () => {
      // A short session: the instance killed in the first case leaves the registry within seconds.
      // The results cache off: every request is the chain's work, never a stored answer.
      mesh = await startMesh({ meshMode, video: false, images: [{ zone: ZONE }], env: { ...harness, MEDIAMESH_ZK_SESSION_TIMEOUT_MS: '4000', MEDIAMESH_RESULT_CACHE_BYTES: '0' } });
      await writePolicies(mesh.env.MEDIAMESH_ZK, { retry: RETRY, zonePreference: true });
      const auth = { authorization: `Bearer ${mesh.adminToken}` };
      const gw = mesh.gateway!.url;
      expect((await fetch(`${gw}/v1/buckets`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'reads', visibility: 'public' }) })).status).toBeLessThan(300);
      // Noise does not compress: about 0.75 MB, a dozen chunks of 64 KiB, so a cut after the first leaves most of it.
      const noise = Buffer.from(Array.from({ length: 1000 * 750 * 3 }, () => Math.floor(Math.random() * 256)));
      const jpeg = await sharp(noise, { raw: { width: 1000, height: 750, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
      expect(jpeg.length).toBeGreaterThan(8 * 64 * 1024);
      expect((await fetch(`${gw}${KEY}`, { method: 'PUT', headers: { ...auth, 'content-type': 'image/jpeg' }, body: jpeg })).status).toBeLessThan(300);
    }, 180_000);
    afterAll(async () => {
      await mesh?.stop();
      fs.rmSync(readLog, { force: true });
    });

    it('one storage instance dying mid-body costs one more read (the resume), and the request answers', async () => {
      dying = await mesh.startInstance('storage', { zone: ZONE, instanceId: 'storage-cut', env: { GET_OBJECT_FAULT: 'cut' } });
      await imageHolds([dying, mesh.storage[0]], []);
      const before = reads();
      const res = await fetch(`${mesh.gateway!.url}${KEY}?imageInfo`);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toMatchObject({ width: 1000, height: 750 });
      expect(await dying.exited).toBe('SIGKILL');
      expect(since(before)).toEqual({ 'storage-cut': 1, 'storage-1': 1 });
    }, 120_000);

    it('storage down costs the mesh retry policy’s reads and no more: no layer repeats another', async () => {
      await mesh.storage[0].stop();
      const down = [
        await mesh.startInstance('storage', { zone: ZONE, instanceId: 'storage-down-t', env: { GET_OBJECT_FAULT: 'unavailable' } }),
        await mesh.startInstance('storage', { zone: 'zone-a', instanceId: 'storage-down-a', env: { GET_OBJECT_FAULT: 'unavailable' } }),
      ];
      // The instance killed above stays listed until its ZooKeeper session expires: a try on it would read nothing.
      await imageHolds(down, [mesh.storage[0], dying!]);
      const before = reads();
      const res = await fetch(`${mesh.gateway!.url}${KEY}?imageInfo`);
      expect(res.status).toBe(503);
      const total = Object.values(since(before)).reduce((a, b) => a + b, 0);
      expect(total).toBe(RETRY.attempts + 1);
    }, 120_000);
  });
}
