/**
 * The results cache's rules with in-memory parts (test/gateway/result-cache.test.ts proves them
 * against the real services and ZooKeeper): hits by etag, single flight, errors never stored,
 * a write's purge, the epoch race, bounded tiers, distinct negotiated formats.
 */
import { describe, expect, it } from 'vitest';
import { parseImagePipeline } from '../../../fop';
import { createKnownEtags } from './known-etags';
import { createResultCache, type ImageRequest } from './result-cache';
import type { CachedResult } from './cached-result';
import { createResultStore } from './result-store';

const ops = (fop: string) => {
  const r = parseImagePipeline(fop);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
};

async function setUp(maxBytes = 1 << 20) {
  const counts = { hit: 0, miss: 0, coalesced: 0, evicted: 0, stat: 0 };
  let etag = 'e1';
  const etags = createKnownEtags({ ttlMs: 60_000 });
  const store = await createResultStore({ maxBytes, onEvict: () => counts.evicted++ });
  const cache = createResultCache({
    store,
    etags,
    metrics: { hit: () => counts.hit++, miss: () => counts.miss++, coalesced: () => counts.coalesced++ },
    statEtag: async () => (counts.stat++, etag),
  });
  const result = (bytes = 10): CachedResult => ({ data: Buffer.alloc(bytes, 1), contentType: 'image/jpeg', sourceEtag: etag });
  return { cache, store, etags, counts, result, setEtag: (e: string) => (etag = e) };
}

const req = (fop = 'imageView2/1/w/200/h/200', accept = ''): ImageRequest => ({ bucket: 'demo', key: 'a.jpg', operations: ops(fop), accept });

describe('results cache', () => {
  it('serves a repeat from memory, without a call', async () => {
    const { cache, counts, result } = await setUp();
    let calls = 0;
    const make = async () => (calls++, result());
    expect((await cache.serve(req(), make)).hit).toBe(false);
    expect((await cache.serve(req(), make)).hit).toBe(true);
    // The canonical spelling of the same operations is the same entry.
    expect((await cache.serve(req('imageView2/1/h/200/w/200'), make)).hit).toBe(true);
    expect(calls).toBe(1);
    expect(counts).toMatchObject({ hit: 2, miss: 1, stat: 0 });
  });

  it('makes 50 identical requests in flight with one call, and hands an error to all without storing it', async () => {
    const { cache, counts, result } = await setUp();
    let calls = 0;
    let fail = true;
    const make = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      if (fail) throw new Error('image service down');
      return result();
    };
    const failed = await Promise.allSettled(Array.from({ length: 50 }, () => cache.serve(req(), make)));
    expect(calls).toBe(1);
    expect(counts.coalesced).toBe(49);
    expect(failed.every((r) => r.status === 'rejected' && (r.reason as Error).message === 'image service down')).toBe(true);
    fail = false;
    const ok = await Promise.all(Array.from({ length: 50 }, () => cache.serve(req(), make)));
    expect(calls).toBe(2);
    expect(ok.filter((r) => !r.hit)).toHaveLength(50);
  });

  it('keeps format/auto results apart by the negotiated format, and shares them between Accepts that pick the same one', async () => {
    const { cache, result } = await setUp();
    let calls = 0;
    const make = async () => (calls++, result());
    await cache.serve(req('imageView2/2/w/10/format/auto', 'image/webp'), make);
    expect((await cache.serve(req('imageView2/2/w/10/format/auto', 'image/avif'), make)).hit).toBe(false);
    expect((await cache.serve(req('imageView2/2/w/10/format/auto', 'text/html,image/webp,*/*'), make)).hit).toBe(true);
    expect(calls).toBe(2);
  });

  it('a write through the gateway purges at once; a call in flight across it never makes its etag current', async () => {
    const { cache, store, result, setEtag } = await setUp();
    await cache.serve(req(), async () => result());
    expect(store.holds('demo', 'a.jpg')).toBe(true);
    setEtag('e2');
    cache.objectWritten('demo', 'a.jpg');
    expect(store.holds('demo', 'a.jpg')).toBe(false);
    expect(cache.knownEtag('demo', 'a.jpg')).toBeUndefined();

    // Started before a write (made from the old bytes), answered after it.
    let release!: () => void;
    const slow = cache.serve(req('imageView2/2/w/50'), () => new Promise((r) => (release = () => r({ ...result(), sourceEtag: 'e2' }))));
    await new Promise((r) => setTimeout(r, 5));
    setEtag('e3');
    cache.objectWritten('demo', 'a.jpg');
    // A request after the write does not join the call made before it.
    let after = 0;
    const fresh = cache.serve(req('imageView2/2/w/50'), async () => (after++, { ...result(), sourceEtag: 'e3' }));
    release();
    expect((await slow).result.sourceEtag).toBe('e2');
    expect((await fresh).result.sourceEtag).toBe('e3');
    expect(after).toBe(1);
    // The fresh call's etag is current (it began after the write); the slow one's, stored under e2, is never served for e3.
    expect(cache.knownEtag('demo', 'a.jpg')).toBe('e3');
    expect((await cache.serve(req('imageView2/2/w/50'), async () => ({ ...result(), sourceEtag: 'e3' }))).result.sourceEtag).toBe('e3');
  });

  it('a change signal during a call keeps the result (under its etag) but not the etag: the next request asks storage', async () => {
    const { cache, etags, counts, result } = await setUp();
    let release!: () => void;
    const slow = cache.serve(req(), () => new Promise((r) => (release = () => r(result()))));
    await new Promise((r) => setTimeout(r, 5));
    etags.bucketChanged('demo');
    release();
    await slow;
    expect(cache.knownEtag('demo', 'a.jpg')).toBeUndefined();
    expect((await cache.serve(req(), async () => result())).hit).toBe(true);
    expect(counts.stat).toBe(1);
  });

  it('an expired etag of a held object is learned again with one stat; a changed etag misses', async () => {
    const { cache, etags, counts, result, setEtag } = await setUp();
    await cache.serve(req(), async () => result());
    etags.bucketChanged('demo');
    expect((await cache.serve(req(), async () => result())).hit).toBe(true);
    expect(counts.stat).toBe(1);
    etags.bucketChanged('demo');
    setEtag('e2');
    expect((await cache.serve(req(), async () => result())).hit).toBe(false);
  });

  it('does not store pipelines that read other objects (image watermarks)', async () => {
    const { cache, result } = await setUp();
    let calls = 0;
    const fop = 'watermark/1/image/a29kbzovL2RlbW8vbWFyay5wbmc=';
    await cache.serve(req(fop), async () => (calls++, result()));
    await cache.serve(req(fop), async () => (calls++, result()));
    expect(calls).toBe(2);
  });

  it('stays within its bytes, evicting the least recently used', async () => {
    const { cache, store, counts, result } = await setUp(10_000);
    for (let w = 1; w <= 20; w++) await cache.serve(req(`imageView2/2/w/${w}`), async () => result(1_000));
    expect(store.bytes('memory')).toBeLessThanOrEqual(10_000);
    expect(counts.evicted).toBeGreaterThan(0);
    expect((await cache.serve(req('imageView2/2/w/20'), async () => result(1_000))).hit).toBe(true);
    expect((await cache.serve(req('imageView2/2/w/1'), async () => result(1_000))).hit).toBe(false);
  });
});

describe('results cache off (MEDIAMESH_RESULT_CACHE_BYTES=0)', () => {
  it('stores nothing, but still makes identical requests in flight once', async () => {
    const counts = { hit: 0, miss: 0, coalesced: 0 };
    const cache = createResultCache({
      etags: createKnownEtags({ ttlMs: 60_000 }),
      metrics: { hit: () => counts.hit++, miss: () => counts.miss++, coalesced: () => counts.coalesced++ },
      statEtag: async () => 'e1',
    });
    let calls = 0;
    const make = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 10));
      return { data: Buffer.from('x'), contentType: 'image/jpeg', sourceEtag: 'e1' };
    };
    const first = await Promise.all([cache.serve(req(), make), cache.serve(req(), make)]);
    expect(first.map((r) => r.hit)).toEqual([false, false]);
    expect((await cache.serve(req(), make)).hit).toBe(false);
    expect(calls).toBe(2);
    expect(cache.enabled).toBe(false);
    expect(cache.knownEtag('demo', 'a.jpg')).toBeUndefined();
    expect(counts).toEqual({ hit: 0, miss: 0, coalesced: 1 });
  });
});
