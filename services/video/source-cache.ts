/**
 * SourceCache keeps recently used storage objects (and their probe) on local disk, keyed
 * by bucket, key and etag, so the usual pattern (many vframes of one video: a player's
 * seek-bar previews) reads the object from storage and probes it once. The etag comes
 * from StatObject on every call, so a changed object is never served stale. Entries are
 * evicted least-recently-used above the byte budget, never while a call holds them.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { FfprobeDocument } from './ffprobe';

/** CachedSource is a held entry: the file stays until release(). */
export interface CachedSource {
  readonly file: string;
  readonly doc: FfprobeDocument;
  release(): void;
}

export interface SourceCache {
  /** acquire returns the entry for this object version, held until release(). */
  acquire(bucket: string, key: string, etag: string): CachedSource | undefined;
  /** adopt moves a downloaded, probed file into the cache and returns it held. */
  adopt(bucket: string, key: string, etag: string, file: string, size: number, doc: FfprobeDocument): Promise<CachedSource>;
}

interface Entry {
  file: string;
  doc: FfprobeDocument;
  size: number;
  holds: number;
  lastUsed: number;
}

/** createSourceCache keeps at most maxBytes under dir (0 = a cache that never keeps anything). */
export function createSourceCache(dir: string, maxBytes: number): SourceCache {
  const entries = new Map<string, Entry>();
  let total = 0;
  let ready: Promise<unknown> | undefined;
  const idOf = (bucket: string, key: string, etag: string) => createHash('sha256').update(`${bucket}\0${key}\0${etag}`).digest('hex').slice(0, 32);
  const hold = (e: Entry): CachedSource => {
    e.holds++;
    e.lastUsed = Date.now();
    let released = false;
    return {
      file: e.file,
      doc: e.doc,
      release: () => {
        if (released) return;
        released = true;
        e.holds--;
      },
    };
  };
  const evict = async () => {
    const idle = [...entries.entries()].filter(([, e]) => e.holds === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [id, e] of idle) {
      if (total <= maxBytes) break;
      entries.delete(id);
      total -= e.size;
      await fs.rm(e.file, { force: true });
    }
  };
  return {
    acquire(bucket, key, etag) {
      const e = entries.get(idOf(bucket, key, etag));
      return e ? hold(e) : undefined;
    },
    async adopt(bucket, key, etag, file, size, doc) {
      const id = idOf(bucket, key, etag);
      const existing = entries.get(id);
      if (existing || maxBytes <= 0 || size > maxBytes || !etag) {
        // Not cacheable (or a concurrent call cached it first): use the call's own copy.
        return existing ? hold(existing) : { file, doc, release: () => {} };
      }
      await (ready ??= fs.mkdir(dir, { recursive: true }));
      const target = path.join(dir, id);
      await fs.rename(file, target).catch(async () => fs.copyFile(file, target));
      const e: Entry = { file: target, doc, size, holds: 0, lastUsed: Date.now() };
      entries.set(id, e);
      total += size;
      const held = hold(e);
      await evict();
      return held;
    },
  };
}
