/**
 * The gateway's results cache against real services (ZooKeeper, storage, image, gateways): a
 * repeat is a HIT served without any Process call, with the bytes and headers of the MISS (and of
 * a gateway with the cache off); 50 identical cold requests make one Process call, and a failing
 * one hands its error to all 50 without storing it; a private result is served only behind a valid
 * signature; format/auto results are distinct per negotiated format; the memory and disk tiers
 * stay within their bytes, evict, count it, and the disk tier serves after a restart.
 * (Freshness after writes: result-cache-freshness.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signUrl } from '../../services/gateway/signing';
import { get, metricValue, photo, put, startCacheStack, type CacheStack } from './result-cache-stack';
import { createBucket } from './stack';

describe('gateway results cache', () => {
  let stack: CacheStack;
  let gw: string;

  beforeAll(async () => {
    stack = await startCacheStack({ gatewayEnv: { MEDIAMESH_RESULT_CACHE_BYTES: '32m' } });
    gw = stack.base;
    await createBucket(gw, 'demo', 'public');
    await createBucket(gw, 'vault', 'private');
    const sample = await photo();
    await put(gw, '/demo/sample.jpg', sample);
    await put(gw, '/vault/sample.jpg', sample);
    await put(gw, '/demo/broken.jpg', Buffer.from('not an image at all'));
  }, 120_000);
  afterAll(() => stack?.stop());

  it('serves a repeat as a HIT with the bytes and headers of the MISS, making no Process call', async () => {
    const url = `${gw}/demo/sample.jpg?imageView2/1/w/200/h/200`;
    const before = await stack.processCalls();
    const miss = await get(url);
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const hit = await get(url);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.body.equals(miss.body)).toBe(true);
    for (const h of ['etag', 'cache-control', 'content-type', 'content-length', 'vary']) expect(hit.headers.get(h), h).toBe(miss.headers.get(h));
    // The same operations spelled otherwise are the same entry.
    expect((await get(`${gw}/demo/sample.jpg?imageView2/1/h/200/w/200`)).headers.get('x-cache')).toBe('HIT');
    expect((await get(url, { 'if-none-match': String(miss.headers.get('etag')) })).status).toBe(304);
    expect((await stack.processCalls()) - before).toBe(1);
  });

  it('reads a new upload from storage once for its many sizes: the gateway names the etag it knows, the image service uses the source it holds', async () => {
    await put(gw, '/demo/sizes.jpg', await photo(90));
    const reads = await stack.storageCalls('GetObject');
    const processes = await stack.processCalls();
    for (const w of [100, 120, 140, 160]) {
      const r = await get(`${gw}/demo/sizes.jpg?imageView2/2/w/${w}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('x-cache')).toBe('MISS');
    }
    expect((await stack.processCalls()) - processes).toBe(4);
    expect((await stack.storageCalls('GetObject')) - reads).toBe(1);
  });

  it('with MEDIAMESH_RESULT_CACHE_BYTES=0 sends no X-Cache, calls Process every time, and answers the same headers', async () => {
    const off = await stack.startGateway({ MEDIAMESH_RESULT_CACHE_BYTES: '0' });
    const url = '/demo/sample.jpg?imageView2/2/w/150/format/auto';
    const cached = await get(`${gw}${url}`, { accept: 'image/webp' });
    const before = await stack.processCalls();
    const answers = [await get(`${off.base}${url}`, { accept: 'image/webp' }), await get(`${off.base}${url}`, { accept: 'image/webp' })];
    expect((await stack.processCalls()) - before).toBe(2);
    for (const a of answers) {
      expect(a.headers.get('x-cache')).toBeNull();
      expect(a.body.equals(cached.body)).toBe(true);
      for (const h of ['etag', 'cache-control', 'content-type', 'vary']) expect(a.headers.get(h), h).toBe(cached.headers.get(h));
    }
    expect(await off.stop()).toBe(0);
  });

  /**
   * inOneFlight sends 50 identical requests while the image service is stopped (SIGSTOP: the
   * first Process call waits in its socket), releases it once the gateway counts 49 joiners (or
   * after 10 s, when it does not coalesce), and returns the answers.
   */
  const inOneFlight = async (url: string) => {
    const joined = await metricValue(gw, 'mediamesh_gateway_result_cache_coalesced_total');
    const image = stack.extra[0]!;
    process.kill(image.pid, 'SIGSTOP');
    let answers: Promise<Awaited<ReturnType<typeof get>>[]>;
    try {
      answers = Promise.all(Array.from({ length: 50 }, () => get(url)));
      await vi.waitFor(async () => expect((await metricValue(gw, 'mediamesh_gateway_result_cache_coalesced_total')) - joined).toBe(49), { timeout: 10_000, interval: 50 }).catch(() => undefined);
    } finally {
      process.kill(image.pid, 'SIGCONT');
    }
    return answers;
  };

  it('makes 50 identical cold requests with one Process call, all answered with the same 200', async () => {
    const before = await stack.processCalls();
    const answers = await inOneFlight(`${gw}/demo/sample.jpg?imageView2/2/w/137`);
    expect((await stack.processCalls()) - before).toBe(1);
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(answers.every((a) => a.body.equals(answers[0]!.body) && a.headers.get('x-cache') === 'MISS')).toBe(true);
    expect(answers[0]!.headers.get('content-type')).toBe('image/jpeg');
  });

  it('hands one failure to all 50 waiters and stores nothing', async () => {
    const url = `${gw}/demo/broken.jpg?imageView2/2/w/100`;
    const before = await stack.processCalls();
    const answers = await inOneFlight(url);
    expect((await stack.processCalls()) - before).toBe(1);
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(answers[0]!.status));
    expect(answers[0]!.status).toBeGreaterThanOrEqual(400);
    expect(answers.every((a) => a.body.equals(answers[0]!.body))).toBe(true);
    expect(JSON.parse(answers[0]!.body.toString()).error).toMatch(/decod|image|unsupported|format/i);
    // Not cached: the next one calls Process again.
    expect((await get(url)).status).toBe(answers[0]!.status);
    expect((await stack.processCalls()) - before).toBe(2);
  });

  it('serves a cached private result only behind a valid signature', async () => {
    const key = { accessKey: 'ak1', secretKey: 'first-secret-key' };
    const raw = `${gw}/vault/sample.jpg?imageView2/2/w/120`;
    const signed = signUrl(raw, key, Math.floor(Date.now() / 1000) + 600);
    expect((await get(signed)).headers.get('x-cache')).toBe('MISS');
    const hit = await get(signed);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('cache-control')).toMatch(/^private, max-age=/);
    // Another valid signature (the second key) gets the same entry.
    const second = await get(signUrl(raw, { accessKey: 'ak2', secretKey: 'second-secret-key' }, Math.floor(Date.now() / 1000) + 600));
    expect([second.status, second.headers.get('x-cache')]).toEqual([200, 'HIT']);
    const forged = signed.replace(/token=ak1:[^&]+$/, 'token=ak1:AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    const expired = signUrl(raw, key, Math.floor(Date.now() / 1000) - 10);
    const otherKey = signUrl(raw, { accessKey: 'ak1', secretKey: 'not-the-secret' }, Math.floor(Date.now() / 1000) + 600);
    for (const url of [raw, forged, expired, otherKey, `${raw}&e=99999999999`]) {
      const res = await get(url);
      expect(res.status, url).toBe(401);
      expect(res.headers.get('x-cache'), url).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('keeps format/auto results apart by negotiated format, with Vary: Accept on hits', async () => {
    const url = `${gw}/demo/sample.jpg?imageView2/2/w/90/format/auto`;
    const webp = await get(url, { accept: 'image/webp' });
    const avif = await get(url, { accept: 'image/avif,image/webp' });
    expect([webp.headers.get('content-type'), avif.headers.get('content-type')]).toEqual(['image/webp', 'image/avif']);
    expect([webp.headers.get('x-cache'), avif.headers.get('x-cache')]).toEqual(['MISS', 'MISS']);
    const [webpAgain, avifAgain] = [await get(url, { accept: 'image/webp' }), await get(url, { accept: 'image/avif,image/webp' })];
    expect([webpAgain.headers.get('x-cache'), avifAgain.headers.get('x-cache')]).toEqual(['HIT', 'HIT']);
    expect(webpAgain.body.equals(webp.body) && avifAgain.body.equals(avif.body)).toBe(true);
    expect([webpAgain.headers.get('vary'), avifAgain.headers.get('vary')]).toEqual(['Accept', 'Accept']);
    // Another Accept that negotiates webp shares its entry; the ETag still varies with the Accept sent (unchanged).
    const browser = await get(url, { accept: 'text/html,image/webp,*/*' });
    expect([browser.headers.get('x-cache'), browser.headers.get('content-type')]).toEqual(['HIT', 'image/webp']);
    expect(browser.headers.get('etag')).not.toBe(webp.headers.get('etag'));
    expect((await get(url)).headers.get('content-type')).toBe('image/jpeg');
  });

  it('keeps each tier within its bytes, evicting the least recently used and counting it, and serves from disk', async () => {
    // Tiers sized in thumbnails of this source (each tier at least its smallest allowed bound, 64k): the
    // disk holds at least 10 more than memory can (an entry costs its key and bookkeeping beside the bytes).
    const sizeAt = async (w: number) => (await get(`${gw}/demo/sample.jpg?imageView2/2/w/${w}`)).body.length;
    const [smallest, largest] = [await sizeAt(150), await sizeAt(230)];
    const memoryBytes = Math.max(64 * 1024, 6 * (largest + 600));
    const mostInMemory = Math.ceil(memoryBytes / (smallest + 300));
    const diskBytes = Math.max(64 * 1024, (mostInMemory + 10) * (largest + 200));
    const env = { MEDIAMESH_RESULT_CACHE_BYTES: String(memoryBytes), MEDIAMESH_RESULT_CACHE_DIR: 'results-small', MEDIAMESH_RESULT_CACHE_DISK_BYTES: String(diskBytes) };
    const small = await stack.startGateway(env);
    const widths = Array.from({ length: Math.min(80, Math.ceil((1.5 * diskBytes) / smallest)) }, (_, i) => 150 + i);
    for (const w of widths) expect((await get(`${small.base}/demo/sample.jpg?imageView2/2/w/${w}`)).status).toBe(200);
    const dir = path.join(stack.home, 'results-small');
    const files = () => fs.readdirSync(dir);
    const onDisk = () => files().reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    // Writes to the disk tier run in the background: wait until the files and the gauge agree.
    await vi.waitFor(async () => expect(await metricValue(small.base, 'mediamesh_gateway_result_cache_bytes', 'tier="disk"')).toBe(onDisk()), { timeout: 5_000 });
    expect(onDisk()).toBeLessThanOrEqual(diskBytes);
    expect(onDisk()).toBeGreaterThan(diskBytes / 2);
    expect(await metricValue(small.base, 'mediamesh_gateway_result_cache_bytes', 'tier="memory"')).toBeLessThanOrEqual(memoryBytes);
    expect(await metricValue(small.base, 'mediamesh_gateway_result_cache_evictions_total', 'tier="memory"')).toBeGreaterThan(0);
    expect(await metricValue(small.base, 'mediamesh_gateway_result_cache_evictions_total', 'tier="disk"')).toBeGreaterThan(0);
    // Requested in order, so the disk holds the newest files().length results and memory at most the newest
    // mostInMemory: the second oldest on disk is out of memory, a HIT from the disk tier, with no Process call.
    expect(files().length - 2).toBeGreaterThan(mostInMemory);
    const before = await stack.processCalls();
    const recent = `/demo/sample.jpg?imageView2/2/w/${widths[widths.length - files().length + 1]}`;
    expect((await get(`${small.base}${recent}`)).headers.get('x-cache')).toBe('HIT');
    expect(await metricValue(small.base, 'mediamesh_gateway_result_cache_hits_total', 'tier="disk"')).toBe(1);
    // The oldest is gone from both tiers.
    expect((await get(`${small.base}/demo/sample.jpg?imageView2/2/w/${widths[0]}`)).headers.get('x-cache')).toBe('MISS');
    expect((await stack.processCalls()) - before).toBe(1);

    // A restart: the disk tier finds its files again, still within its bound, and serves them.
    expect(await small.stop()).toBe(0);
    const again = await stack.startGateway(env);
    const loaded = await again.waitForLog((l) => l.event === 'result-cache-disk-loaded', 10_000);
    expect(Number(loaded.results)).toBeGreaterThan(8);
    const hit = await get(`${again.base}${recent}`);
    expect([hit.status, hit.headers.get('x-cache')]).toEqual([200, 'HIT']);
    expect(await metricValue(again.base, 'mediamesh_gateway_result_cache_hits_total', 'tier="disk"')).toBe(1);
    expect((await stack.processCalls()) - before).toBe(1);
    expect(onDisk()).toBeLessThanOrEqual(diskBytes);
  });

  it('counts hits, misses and bytes on the gateway meter', async () => {
    expect(await metricValue(gw, 'mediamesh_gateway_result_cache_hits_total', 'tier="memory"')).toBeGreaterThanOrEqual(7);
    expect(await metricValue(gw, 'mediamesh_gateway_result_cache_misses_total')).toBeGreaterThanOrEqual(6);
    expect(await metricValue(gw, 'mediamesh_gateway_result_cache_bytes', 'tier="memory"')).toBeGreaterThan(1000);
    expect(await metricValue(gw, 'mediamesh_gateway_result_cache_bytes', 'tier="disk"')).toBe(0);
  });
});
