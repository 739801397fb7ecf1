import { describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../generated/mediamesh/common/v1/common';
import { createRecentSources } from './recent-sources';
import type { Metadata } from './sharp';
import type { ObjectReader } from './source';

/** A storage stand-in that counts reads; `etags` says each key's current etag. */
function countingStorage(etags: Record<string, string>, size = 100) {
  const reads: string[] = [];
  const read: ObjectReader = async (ref) => {
    reads.push(ref.key);
    return { data: Buffer.alloc(size, ref.key), object: { etag: etags[ref.key], size, privateBucket: false } };
  };
  return { read, reads };
}
const ref = (key: string): ObjectRef => ({ bucket: 'demo', key });
const signal = new AbortController().signal;
const header = { width: 10, height: 10, format: 'jpeg' } as Metadata;

describe('recent sources', () => {
  it('answers a known etag from what it holds, reads storage without one or at another', async () => {
    const storage = countingStorage({ a: 'e1' });
    const sources = createRecentSources(storage.read, 10_000);
    await sources.read(ref('a'), '', 1000, signal);
    await sources.read(ref('a'), 'e1', 1000, signal);
    expect(storage.reads).toEqual(['a']);
    await sources.read(ref('a'), '', 1000, signal);
    await sources.read(ref('a'), 'e0', 1000, signal);
    expect(storage.reads).toEqual(['a', 'a', 'a']);
  });

  it('keeps the header of a source read again at the same etag, not at a new one', async () => {
    const etags = { a: 'e1' };
    const storage = countingStorage(etags);
    const sources = createRecentSources(storage.read, 10_000);
    const first = await sources.read(ref('a'), '', 1000, signal);
    sources.keepHeader(ref('a'), first, header);
    expect((await sources.read(ref('a'), '', 1000, signal)).header).toBe(header);
    etags.a = 'e2';
    expect((await sources.read(ref('a'), '', 1000, signal)).header).toBeUndefined();
  });

  it('stays within its byte bound, least recently used out first', async () => {
    // Each entry costs 500 bytes + 512 of bookkeeping: four fit in 4,100 bytes.
    const storage = countingStorage({ a: 'ea', b: 'eb', c: 'ec', d: 'ed', e: 'ee' }, 500);
    const sources = createRecentSources(storage.read, 4100);
    for (const k of ['a', 'b', 'c', 'd']) await sources.read(ref(k), '', 2000, signal);
    await sources.read(ref('a'), 'ea', 2000, signal); // held, and now the most recently used
    await sources.read(ref('e'), '', 2000, signal); // pushes out b
    await sources.read(ref('a'), 'ea', 2000, signal);
    await sources.read(ref('b'), 'eb', 2000, signal);
    expect(storage.reads).toEqual(['a', 'b', 'c', 'd', 'e', 'b']);
    const big = countingStorage({ a: 'ea' }, 5000);
    const small = createRecentSources(big.read, 6000);
    await small.read(ref('a'), '', 6000, signal);
    await small.read(ref('a'), 'ea', 6000, signal); // larger than a quarter of the bound: never held
    expect(big.reads).toEqual(['a', 'a']);
  });

  it('holds nothing at 0 bytes, and never serves more than the caller allows', async () => {
    const storage = countingStorage({ a: 'e1' });
    const off = createRecentSources(storage.read, 0);
    await off.read(ref('a'), '', 1000, signal);
    await off.read(ref('a'), 'e1', 1000, signal);
    expect(storage.reads).toEqual(['a', 'a']);
    const on = createRecentSources(storage.read, 10_000);
    await on.read(ref('a'), '', 1000, signal);
    await on.read(ref('a'), 'e1', 50, signal);
    expect(storage.reads).toEqual(['a', 'a', 'a', 'a']);
  });
});
