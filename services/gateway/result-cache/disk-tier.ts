/**
 * createDiskTier: the results cache's optional second tier, files in one folder bounded in bytes.
 * The index (which file holds which result, and the least-recently-used order) is lru-cache with
 * maxSize; evicting an entry deletes its file. Results are written through from the memory tier
 * in the background (a write never delays a response) and listed in the index only once the file
 * is complete (written to a temporary name, then renamed), so a read never meets half a file.
 *
 * The folder belongs to one gateway: at start it removes the cache files a previous run left
 * (their index died with that process), and only files of its own naming, so a folder given by
 * mistake loses nothing else.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LRUCache } from 'lru-cache';
import type { CachedResult } from './result-store';

const FILE_RE = /^[0-9a-f]{64}\.(bin|tmp-[0-9a-f]+)$/;

interface DiskEntry {
  readonly file: string;
  readonly size: number;
  readonly contentType: string;
  readonly sourceEtag: string;
}

/** DiskTier keeps results in files. */
export interface DiskTier {
  get(key: string): Promise<CachedResult | undefined>;
  /** set writes in the background. */
  set(key: string, value: CachedResult): void;
  delete(key: string): void;
  has(key: string): boolean;
  readonly bytes: () => number;
  /** idle resolves when no write is in progress (tests). */
  idle(): Promise<void>;
}

export interface DiskTierOptions {
  readonly dir: string;
  readonly maxBytes: number;
  /** onDrop: an entry left the tier (evicted: to make room). */
  readonly onDrop: (key: string, evicted: boolean) => void;
}

/** prepareDiskFolder makes the folder and removes the cache files an earlier run left. */
export async function prepareDiskFolder(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const name of await fs.readdir(dir)) if (FILE_RE.test(name)) await fs.rm(path.join(dir, name), { force: true });
}

/** createDiskTier returns the tier over a prepared folder. */
export function createDiskTier(opts: DiskTierOptions): DiskTier {
  const index = new LRUCache<string, DiskEntry>({
    maxSize: opts.maxBytes,
    maxEntrySize: Math.max(1, Math.floor(opts.maxBytes / 4)),
    sizeCalculation: (e) => Math.max(1, e.size),
    dispose: (e, key, reason) => {
      // Replaced by the same key: the file (same name) holds the new bytes.
      if (reason === 'set') return;
      void fs.rm(e.file, { force: true });
      opts.onDrop(key, reason === 'evict');
    },
  });
  const writing = new Set<Promise<void>>();
  const fileOf = (key: string) => path.join(opts.dir, `${createHash('sha256').update(key).digest('hex')}.bin`);

  const write = async (key: string, value: CachedResult) => {
    const file = fileOf(key);
    const tmp = `${file.slice(0, -4)}.tmp-${randomBytes(4).toString('hex')}`;
    try {
      await fs.writeFile(tmp, value.data);
      await fs.rename(tmp, file);
      index.set(key, { file, size: value.data.length, contentType: value.contentType, sourceEtag: value.sourceEtag });
    } catch {
      // A full or read-only disk only costs the second tier.
      await fs.rm(tmp, { force: true });
    }
  };

  return {
    async get(key) {
      const e = index.get(key);
      if (!e) return undefined;
      try {
        return { data: await fs.readFile(e.file), contentType: e.contentType, sourceEtag: e.sourceEtag };
      } catch {
        if (index.peek(key) === e) index.delete(key);
        return undefined;
      }
    },
    set(key, value) {
      if (index.has(key) || value.data.length > opts.maxBytes / 4) return;
      const p = write(key, value).finally(() => writing.delete(p));
      writing.add(p);
    },
    delete: (key) => void index.delete(key),
    has: (key) => index.has(key),
    bytes: () => index.calculatedSize,
    async idle() {
      while (writing.size) await Promise.all([...writing]);
    },
  };
}
