import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharp } from '../../services/image/sharp';
import { startMesh, type LocalMesh } from '../../launcher/mesh';
import { callOnce, failures, imageClient, startLoad, tinyPng, type Load } from './load';

let mesh: LocalMesh;
let grpcLoad: Load | undefined;

beforeAll(async () => {
  mesh = await startMesh({
    images: [{ instanceId: 'image-r1' }, { instanceId: 'image-r2' }, { instanceId: 'image-r3' }],
    video: false,
    // The results cache off: the repeated thumbnail must reach the image instances being restarted.
    env: { MEDIAMESH_RESULT_CACHE_BYTES: '0' },
  });
});

afterAll(async () => {
  await grpcLoad?.stop();
  await mesh?.stop();
});

/** httpLoad requests a thumbnail through the gateway in a loop; returns stop() → failures. */
function httpLoad(url: string, concurrency = 2): { stop(): Promise<{ sent: number; failed: string[] }> } {
  let running = true;
  let sent = 0;
  const failed: string[] = [];
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      sent++;
      try {
        const res = await fetch(url);
        await res.arrayBuffer();
        if (res.status !== 200) failed.push(`${res.status}`);
      } catch (err) {
        failed.push(String(err));
      }
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { sent, failed };
    },
  };
}

describe('rolling restart of every image instance under load', () => {
  it('deregisters, drains, exits, restarts and re-registers each one with zero failed requests', async () => {
    const auth = { authorization: `Bearer ${mesh.adminToken}` };
    const gw = mesh.gateway!.url;
    expect((await fetch(`${gw}/v1/buckets`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":"demo","visibility":"public"}' })).ok).toBe(true);
    const jpg = await sharp({ create: { width: 640, height: 427, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    expect((await fetch(`${gw}/demo/sample.jpg`, { method: 'PUT', headers: { ...auth, 'content-type': 'image/jpeg' }, body: jpg })).ok).toBe(true);

    const xdsPort = Number(mesh.env.MEDIAMESH_XDS_SERVER.split(':')[1]);
    const png = await tinyPng();
    const client = imageClient(xdsPort, 'rolling-load');
    const probe = imageClient(xdsPort, 'rolling-probe');
    grpcLoad = startLoad(client, png, 2);
    const http = httpLoad(`${gw}/demo/sample.jpg?imageView2/1/w/100/h/100`);
    await new Promise((r) => setTimeout(r, 1000));

    for (let i = 0; i < mesh.images.length; i++) {
      const old = mesh.images[i];
      const id = String(old.logs.find((l) => l.event === 'serving')?.instance ?? `image-r${i + 1}`);
      expect(await old.stop()).toBe(0);
      const fresh = await mesh.startInstance('image', { instanceId: id });
      mesh.images[i] = fresh;
      mesh.images.pop(); // startInstance appended it; it now sits at index i
      // wait until the restarted instance takes traffic again before moving on
      const deadline = Date.now() + 20_000;
      for (;;) {
        const seen = await Promise.all(Array.from({ length: 12 }, () => callOnce(probe, png)));
        if (seen.some((r) => r.instance === id)) break;
        if (Date.now() > deadline) throw new Error(`${id} got no traffic after its restart`);
      }
    }

    await grpcLoad.stop();
    const h = await http.stop();
    expect(grpcLoad.records.length).toBeGreaterThan(100);
    expect(failures(grpcLoad.records)).toEqual([]);
    expect(h.sent).toBeGreaterThan(5);
    expect(h.failed).toEqual([]);
    client.close();
    probe.close();
  });
});
