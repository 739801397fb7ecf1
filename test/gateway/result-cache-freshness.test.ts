/**
 * How fresh the gateway's results cache is, against real services and a real ZooKeeper:
 * - a PUT or DELETE through a gateway is never followed by a stale answer from it, even with
 *   requests of the old bytes in flight across the write;
 * - a write around the gateways (straight to storage over gRPC) reaches a gateway through
 *   storage's change signal in ZooKeeper: stale for at most that signal's delay (measured; < 2 s),
 *   with the etag TTL set far longer so that only the signal can explain it;
 * - a gateway that cannot reach ZooKeeper is stale for at most MEDIAMESH_RESULT_CACHE_ETAG_TTL_MS.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin } from './stack';
import { deleteAround, get, photo, put, startCacheStack, writeAround, type CacheStack } from './result-cache-stack';
import { createBucket } from './stack';

/** brightness is the mean of a result's first channel: tells the dark source's results from the light one's. */
const brightness = async (body: Buffer) => (await sharp(body).stats()).channels[0]!.mean;
const DARK = 50;
const LIGHT = 200;
const isDark = async (body: Buffer) => (await brightness(body)) < (DARK + LIGHT) / 2;

/**
 * staleFor polls `url` until `fresh(answer)`; returns when the first request answered fresh was
 * sent, in ms after `since` (the write's answer): how long the gateway answered stale, to within
 * one poll (the fresh answer's own processing time is not staleness).
 */
async function staleFor(url: string, fresh: (a: Awaited<ReturnType<typeof get>>) => Promise<boolean>, since: number, limitMs = 10_000): Promise<number> {
  for (;;) {
    const sent = performance.now();
    if (await fresh(await get(url))) return sent - since;
    if (sent - since > limitMs) throw new Error(`still stale after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('gateway results cache freshness', () => {
  let stack: CacheStack;
  let gw: string;
  let dark: Buffer;
  let light: Buffer;

  beforeAll(async () => {
    // An etag is believed for a minute: within these tests only a write or a change signal makes a gateway forget it.
    stack = await startCacheStack({ gatewayEnv: { MEDIAMESH_RESULT_CACHE_ETAG_TTL_MS: '60000' } });
    gw = stack.base;
    await createBucket(gw, 'demo', 'public');
    [dark, light] = [await photo(DARK), await photo(LIGHT)];
  }, 120_000);
  afterAll(() => stack?.stop());

  it('after a PUT through the gateway, the next request is a MISS with the new bytes, even with requests in flight across the write', async () => {
    const url = `${gw}/demo/flip.jpg?imageView2/1/w/120/h/120`;
    await put(gw, '/demo/flip.jpg', dark);
    for (let round = 0; round < 8; round++) {
      const next = round % 2 === 0 ? light : dark;
      expect((await get(url)).headers.get('x-cache')).toBe(round === 0 ? 'MISS' : 'HIT');
      // Requests of the old bytes in flight while the object is replaced: none may leave its result behind.
      const crowd = Array.from({ length: 12 }, (_, i) => get(`${url.replace('120/h/120', `${100 + i}`)}`));
      await put(gw, '/demo/flip.jpg', next);
      const after = await get(url);
      expect(after.headers.get('x-cache'), `round ${round}`).toBe('MISS');
      expect(await isDark(after.body), `round ${round}`).toBe(next === dark);
      for (let i = 0; i < 12; i++) {
        const again = await get(`${url.replace('120/h/120', `${100 + i}`)}`);
        expect(await isDark(again.body), `round ${round}, width ${100 + i}`).toBe(next === dark);
      }
      await Promise.all(crowd);
    }
  });

  it('a DELETE through the gateway purges: 404 after, a MISS once the object is back', async () => {
    const url = `${gw}/demo/gone.jpg?imageView2/2/w/80`;
    await put(gw, '/demo/gone.jpg', light);
    await get(url);
    expect((await get(url)).headers.get('x-cache')).toBe('HIT');
    const del = await fetch(`${gw}/demo/gone.jpg`, { method: 'DELETE', headers: admin() });
    expect(del.status).toBe(204);
    const after = await get(url);
    expect(after.status).toBe(404);
    expect(after.headers.get('x-cache')).toBeNull();
    await put(gw, '/demo/gone.jpg', dark);
    const back = await get(url);
    expect([back.status, back.headers.get('x-cache'), await isDark(back.body)]).toEqual([200, 'MISS', true]);
  });

  it('a PUT through one gateway reaches another through the change signal', async () => {
    const other = await stack.startGateway();
    const url = '/demo/shared.jpg?imageView2/2/w/64';
    await put(gw, '/demo/shared.jpg', dark);
    await get(`${other.base}${url}`);
    expect((await get(`${other.base}${url}`)).headers.get('x-cache')).toBe('HIT');
    await put(gw, '/demo/shared.jpg', light);
    const t0 = performance.now();
    const ms = await staleFor(`${other.base}${url}`, async (a) => !(await isDark(a.body)), t0);
    process.stdout.write(`change signal, PUT through another gateway: stale for ${ms.toFixed(0)} ms\n`);
    expect(ms).toBeLessThan(2_000);
    expect(await other.stop()).toBe(0);
  });

  it('a write straight to storage over gRPC is stale for at most the change signal delay (< 2 s), and so is a delete', async () => {
    const url = `${gw}/demo/around.jpg?imageView2/2/w/72`;
    const delays: number[] = [];
    await writeAround(stack, 'demo', 'around.jpg', dark);
    for (let round = 0; round < 5; round++) {
      const next = round % 2 === 0 ? light : dark;
      await get(url);
      expect((await get(url)).headers.get('x-cache')).toBe('HIT');
      await writeAround(stack, 'demo', 'around.jpg', next);
      const t0 = performance.now();
      delays.push(await staleFor(url, async (a) => (await isDark(a.body)) === (next === dark), t0));
    }
    await deleteAround(stack, 'demo', 'around.jpg');
    const t0 = performance.now();
    delays.push(await staleFor(url, async (a) => a.status === 404, t0));
    process.stdout.write(`change signal, writes around the gateway: stale for ${delays.map((d) => d.toFixed(0)).join(', ')} ms\n`);
    for (const d of delays) expect(d).toBeLessThan(2_000);
  });

  it('a gateway that cannot reach ZooKeeper is stale for at most its etag TTL', async () => {
    const ttl = 1_500;
    // Nothing listens on port 1: this gateway's ZooKeeper is unreachable from its start (and stays so).
    const cut = await stack.startGateway({ MEDIAMESH_ZK: '127.0.0.1:1', MEDIAMESH_RESULT_CACHE_ETAG_TTL_MS: String(ttl) });
    const url = `${cut.base}/demo/cut.jpg?imageView2/2/w/56`;
    await writeAround(stack, 'demo', 'cut.jpg', dark);
    for (let round = 0; round < 3; round++) {
      const next = round % 2 === 0 ? light : dark;
      await get(url);
      expect((await get(url)).headers.get('x-cache')).toBe('HIT');
      await writeAround(stack, 'demo', 'cut.jpg', next);
      const t0 = performance.now();
      const ms = await staleFor(url, async (a) => (await isDark(a.body)) === (next === dark), t0);
      process.stdout.write(`no ZooKeeper, etag TTL ${ttl} ms: stale for ${ms.toFixed(0)} ms\n`);
      // At most the TTL (counted from when the etag was learned, before the write), plus one round of this poll.
      expect(ms).toBeLessThan(ttl + 250);
    }
  });
});
