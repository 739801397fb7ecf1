/**
 * The gateway's results cache against real services (ZooKeeper, storage, image, gateways):
 * a repeat is a HIT served without any Process call, with the headers of the MISS; 50 identical
 * cold requests make one Process call, and a failing one hands its error to all 50 without storing
 * it; a private result is served only behind a valid signature; format/auto results are distinct
 * per negotiated format; the memory and disk tiers stay within their bytes and evict; the metrics
 * count it all. (Freshness after writes: result-cache-freshness.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUrl } from '../../services/gateway/signing';
import { metricValue, startCacheStack, type CacheStack } from './result-cache-stack';
import { admin, createBucket } from './stack';

const put = async (base: string, path: string, body: Buffer, type = 'image/jpeg') => {
  const res = await fetch(`${base}${path}`, { method: 'PUT', headers: admin({ 'content-type': type }), body });
  expect(res.status, await res.clone().text()).toBe(200);
};
const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
};

describe('gateway results cache', () => {
  let stack: CacheStack;
  let gw: string;

  beforeAll(async () => {
    // One image at a time, so a slow job holds the next request in the queue while identical ones arrive.
    stack = await startCacheStack({ MEDIAMESH_IMAGE_CONCURRENCY: '1' });
    gw = await stack.gateway({ MEDIAMESH_RESULT_CACHE_BYTES: '32m' });
    await createBucket(gw, 'demo', 'public');
    await createBucket(gw, 'vault', 'private');
    const noise = await sharp({ create: { width: 640, height: 427, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg({ quality: 85 }).toBuffer();
    await put(gw, '/demo/sample.jpg', noise);
    await put(gw, '/vault/sample.jpg', noise);
    await put(gw, '/demo/broken.jpg', Buffer.from('not an image at all'));
    const big = await sharp({ create: { width: 2400, height: 2400, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg().toBuffer();
    await put(gw, '/demo/big.jpg', big);
  }, 120_000);
  afterAll(() => stack?.stop());

  it('serves a repeat as a HIT with the headers of the MISS, making no Process call', async () => {
    const url = `${gw}/demo/sample.jpg?imageView2/1/w/200/h/200`;
    const before = await stack.processCalls();
    const miss = await get(url);
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const hit = await get(url);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.body.equals(miss.body)).toBe(true);
    for (const h of ['etag', 'cache-control', 'content-type', 'content-length']) expect(hit.headers.get(h), h).toBe(miss.headers.get(h));
    expect(hit.headers.get('vary')).toBeNull();
    // The same operations spelled otherwise are the same entry.
    expect((await get(`${gw}/demo/sample.jpg?imageView2/1/h/200/w/200`)).headers.get('x-cache')).toBe('HIT');
    expect((await get(url, { 'if-none-match': String(miss.headers.get('etag')) })).status).toBe(304);
    expect((await stack.processCalls()) - before).toBe(1);
  });

  /** holdTheImageService starts a slow job on the one-slot image service; resolves when it is done. */
  const holdTheImageService = async () => {
    const slow = get(`${gw}/demo/big.jpg?imageMogr2/blur/50x300`);
    await new Promise((r) => setTimeout(r, 300));
    return slow;
  };

  it('makes 50 identical cold requests with one Process call', async () => {
    const before = await stack.processCalls();
    const held = holdTheImageService();
    const answers = await Promise.all(Array.from({ length: 50 }, () => get(`${gw}/demo/sample.jpg?imageView2/2/w/137`)));
    expect((await held).status).toBe(200);
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(answers.every((a) => a.body.equals(answers[0].body) && a.headers.get('x-cache') === 'MISS')).toBe(true);
    expect((await stack.processCalls()) - before).toBe(2); // the slow job and the 50
  });

  it('hands one failure to all 50 waiters and stores nothing', async () => {
    const before = await stack.processCalls();
    const held = holdTheImageService();
    const answers = await Promise.all(Array.from({ length: 50 }, () => get(`${gw}/demo/broken.jpg?imageView2/2/w/100`)));
    await held;
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(400));
    expect(JSON.parse(answers[0].body.toString()).error).toMatch(/decod|image/i);
    expect((await stack.processCalls()) - before).toBe(2);
    // Not cached: the next one asks again.
    expect((await get(`${gw}/demo/broken.jpg?imageView2/2/w/100`)).status).toBe(400);
    expect((await stack.processCalls()) - before).toBe(3);
  });

  it('serves a cached private result only behind a valid signature', async () => {
    const key = { accessKey: 'ak1', secretKey: 'first-secret-key' };
    const raw = `${gw}/vault/sample.jpg?imageView2/2/w/120`;
    const signed = signUrl(raw, key, Math.floor(Date.now() / 1000) + 600);
    expect((await get(signed)).headers.get('x-cache')).toBe('MISS');
    const hit = await get(signed);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('cache-control')).toMatch(/^private, max-age=/);
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
    const webpAgain = await get(url, { accept: 'text/html,image/webp,*/*' });
    expect(webpAgain.headers.get('x-cache')).toBe('HIT');
    expect(webpAgain.headers.get('content-type')).toBe('image/webp');
    expect(webpAgain.headers.get('vary')).toBe('Accept');
    // The ETag still varies with the Accept header as sent (unchanged behaviour).
    expect(webpAgain.headers.get('etag')).not.toBe(webp.headers.get('etag'));
    expect((await get(url)).headers.get('content-type')).toBe('image/jpeg');
  });

  it('keeps each tier within its bytes, evicting the least recently used, and serves from disk', async () => {
    // Tiers sized in thumbnails of this source: memory for ~6, disk for ~15.
    const thumb = (await get(`${gw}/demo/sample.jpg?imageView2/2/w/165`)).body.length;
    const memoryBytes = 6 * (thumb + 600);
    const diskBytes = 15 * thumb;
    const small = await stack.gateway({
      MEDIAMESH_RESULT_CACHE_BYTES: String(memoryBytes),
      MEDIAMESH_RESULT_CACHE_DIR: 'results-small',
      MEDIAMESH_RESULT_CACHE_DISK_BYTES: String(diskBytes),
    });
    const widths = Array.from({ length: 30 }, (_, i) => 150 + i);
    for (const w of widths) expect((await get(`${small}/demo/sample.jpg?imageView2/2/w/${w}`)).status).toBe(200);
    // Writes to the disk tier run in the background.
    await new Promise((r) => setTimeout(r, 500));
    const dir = path.join(stack.home, 'results-small');
    const onDisk = fs.readdirSync(dir).filter((f) => f.endsWith('.bin'));
    expect(onDisk.length).toBeGreaterThan(8);
    expect(onDisk.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0)).toBeLessThanOrEqual(diskBytes);
    expect(await metricValue(small, 'mediamesh_gateway_result_cache_bytes', 'tier="memory"')).toBeLessThanOrEqual(memoryBytes);
    expect(await metricValue(small, 'mediamesh_gateway_result_cache_bytes', 'tier="disk"')).toBeLessThanOrEqual(diskBytes);
    expect(await metricValue(small, 'mediamesh_gateway_result_cache_evictions_total', 'tier="memory"')).toBeGreaterThan(0);
    expect(await metricValue(small, 'mediamesh_gateway_result_cache_evictions_total', 'tier="disk"')).toBeGreaterThan(0);
    // Out of memory (6 newer ones since), still on disk: a HIT from the disk tier, no Process call.
    const before = await stack.processCalls();
    const fromDisk = await get(`${small}/demo/sample.jpg?imageView2/2/w/${widths[widths.length - 10]}`);
    expect(fromDisk.headers.get('x-cache')).toBe('HIT');
    expect(await metricValue(small, 'mediamesh_gateway_result_cache_hits_total', 'tier="disk"')).toBeGreaterThan(0);
    // The oldest is gone from both tiers.
    expect((await get(`${small}/demo/sample.jpg?imageView2/2/w/${widths[0]}`)).headers.get('x-cache')).toBe('MISS');
    expect((await stack.processCalls()) - before).toBe(1);
  });

  it('counts hits, misses and bytes on the gateway meter', async () => {
    expect(await metricValue(gw, 'mediamesh_gateway_result_cache_hits_total', 'tier="memory"')).toBeGreaterThanOrEqual(4);
    expect(await metricValue(gw, 'mediamesh_gateway_result_cache_misses_total')).toBeGreaterThanOrEqual(5);
    expect(await metricValue(gw, 'mediamesh_gateway_result_cache_bytes', 'tier="memory"')).toBeGreaterThan(1000);
  });
});
