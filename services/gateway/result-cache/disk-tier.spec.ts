/**
 * The disk tier over a real folder: results survive a new tier on the same folder (a gateway
 * restart), in their LRU order; the bound holds across runs; damaged, foreign and half-written
 * files are never served; a delete during a write wins.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirForTest } from '../../../test/harness/temp-dir';
import { createDiskTier, type DiskTierOptions } from './disk-tier';
import { encodeResultFile } from './disk-file';
import type { CachedResult } from './cached-result';

const result = (n: number, fill = 7): CachedResult => ({ data: Buffer.alloc(n, fill), contentType: 'image/webp', sourceEtag: `etag-${fill}` });

function tier(dir: string, maxBytes: number, extra: Partial<DiskTierOptions> = {}) {
  const seen = { loaded: [] as string[], evicted: [] as string[], dropped: [] as string[] };
  const made = createDiskTier({
    dir,
    maxBytes,
    onLoad: (k) => seen.loaded.push(k),
    onDrop: (k, evicted) => (evicted ? seen.evicted : seen.dropped).push(k),
    ...extra,
  });
  return { made, seen };
}

const bytesOnDisk = (dir: string) => fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);

describe('results cache disk tier', () => {
  it('finds its results again after a restart, least recently used evicted first', async () => {
    const dir = tempDirForTest('mm-disk-');
    const first = await tier(dir, 100_000).made;
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) {
      first.set(k, result(1000, k.charCodeAt(0)));
      await first.idle();
      await new Promise((r) => setTimeout(r, 15));
    }
    // A hit refreshes the file's mtime: 'a' becomes the most recently used.
    expect((await first.get('a'))?.sourceEtag).toBe(`etag-${'a'.charCodeAt(0)}`);
    await new Promise((r) => setTimeout(r, 15));

    // A restart with room for four: the least recently used ('b', 'c') go.
    const { made, seen } = tier(dir, 4 * 1100);
    const second = await made;
    expect(await second.loaded).toBe(4);
    await second.idle();
    expect(seen.loaded.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(seen.evicted.sort()).toEqual(['b', 'c']);
    const a = await second.get('a');
    expect(a?.data.equals(Buffer.alloc(1000, 'a'.charCodeAt(0)))).toBe(true);
    expect(a?.contentType).toBe('image/webp');
    expect(await second.get('b')).toBeUndefined();
    expect(second.bytes()).toBeLessThanOrEqual(4 * 1100);
    expect(bytesOnDisk(dir)).toBe(second.bytes());
  });

  it('stays within its bytes as results arrive', async () => {
    const dir = tempDirForTest('mm-disk-');
    const { made, seen } = tier(dir, 10_000);
    const t = await made;
    for (let i = 0; i < 30; i++) {
      t.set(`k${i}`, result(900));
      await t.idle();
    }
    await t.idle();
    expect(t.bytes()).toBeLessThanOrEqual(10_000);
    expect(bytesOnDisk(dir)).toBe(t.bytes());
    expect(seen.evicted.length).toBeGreaterThan(15);
    expect(await t.get('k29')).toBeDefined();
    expect(await t.get('k0')).toBeUndefined();
    // Larger than a quarter of the tier: refused, not stored; at the edge, the header tips it over: no file left behind.
    expect(t.set('huge', result(3000))).toBe(false);
    const before = fs.readdirSync(dir).length;
    expect(t.set('edge', result(2500))).toBe(true);
    await t.idle();
    expect(t.has('edge')).toBe(false);
    expect(fs.readdirSync(dir).length).toBe(before);
  });

  it('never serves a damaged or foreign file, and clears what a crash left', async () => {
    const dir = tempDirForTest('mm-disk-');
    const first = await tier(dir, 100_000).made;
    first.set('good', result(100));
    first.set('swapped', result(100, 9));
    await first.idle();
    const files = fs.readdirSync(dir);
    const nameOf = (k: string) => files.find((f) => fs.readFileSync(path.join(dir, f)).includes(Buffer.from(`"key":"${k}"`)))!;
    const [good, swapped] = [nameOf('good'), nameOf('swapped')];
    // Another key's result under this key's name, a cut file, a leftover temporary file, a stranger's file.
    fs.writeFileSync(path.join(dir, swapped), encodeResultFile('someone-else', result(100, 3)));
    fs.writeFileSync(path.join(dir, `${'a'.repeat(64)}.bin`), Buffer.from('MMRC1\n\0\0'));
    fs.writeFileSync(path.join(dir, `${'b'.repeat(64)}.tmp-0a1b`), 'half');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not ours');

    const second = await tier(dir, 100_000).made;
    expect(await second.loaded).toBe(1);
    expect((await second.get('good'))?.data.length).toBe(100);
    expect(await second.get('swapped')).toBeUndefined();
    expect(await second.get('someone-else')).toBeUndefined();
    await second.idle();
    expect(fs.readdirSync(dir).sort()).toEqual([good, 'notes.txt'].sort());
  });

  it('a delete during the write leaves no file and no entry', async () => {
    const dir = tempDirForTest('mm-disk-');
    const t = await tier(dir, 100_000).made;
    t.set('k', result(50_000));
    t.delete('k');
    await t.idle();
    expect(t.has('k')).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a file removed behind its back is a miss, not an error', async () => {
    const dir = tempDirForTest('mm-disk-');
    const errors: string[] = [];
    const t = await tier(dir, 100_000, { onError: (what) => errors.push(what) }).made;
    t.set('k', result(10));
    await t.idle();
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
    expect(await t.get('k')).toBeUndefined();
    expect(t.has('k')).toBe(false);
    expect(errors).toEqual(['read']);
  });
});
