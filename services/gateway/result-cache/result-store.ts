/**
 * createResultStore: where processed results live, keyed by what makes a result
 * (source object, its etag, the canonical typed operations, the negotiated output format).
 * A memory tier bounded in bytes (lru-cache with maxSize: least recently used goes first) and an
 * optional disk tier (disk-tier.ts), written through; a disk hit is promoted to memory. A result
 * larger than a quarter of a tier is not kept in it (one large result must not flush the cache).
 * An index by source object lets a PUT or DELETE purge every result of that object at once
 * (entries of an old etag are unreachable anyway; the purge gives their memory back).
 */
import { LRUCache } from 'lru-cache';
import type { CachedResult } from './cached-result';
import type { DiskTier } from './disk-tier';


/** ResultKey names a result. */
export interface ResultKey {
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  /** Canonical typed operations (fop's writer: one spelling per pipeline). */
  readonly operations: string;
  /** The negotiated output format of format/auto ("" when the pipeline fixes it). */
  readonly format: string;
}

export type Tier = 'memory' | 'disk';

/** ResultStore: see the module comment. */
export interface ResultStore {
  get(k: ResultKey): Promise<{ result: CachedResult; tier: Tier } | undefined>;
  set(k: ResultKey, result: CachedResult): void;
  /** disk is the disk tier, when there is one (tests wait for its writes). */
  readonly disk?: DiskTier;
  /** holds tells whether any result of the object is cached (worth learning its etag to look). */
  holds(bucket: string, key: string): boolean;
  /** purge drops every result of an object. */
  purge(bucket: string, key: string): void;
  bytes(tier: Tier): number;
}

export interface ResultStoreOptions {
  readonly maxBytes: number;
  /** makeDisk builds the disk tier, telling it what to do when an entry leaves it or an earlier run's is found. */
  readonly makeDisk?: (hooks: { onDrop: (key: string, evicted: boolean) => void; onLoad: (key: string) => void }) => Promise<DiskTier>;
  readonly onEvict: (tier: Tier) => void;
}

// Keys and bucket names have no control characters (services/storage/names.ts): "\n" separates.
const objectIdOf = (bucket: string, key: string) => `${bucket}/${key}`;
const keyOf = (k: ResultKey) => `${objectIdOf(k.bucket, k.key)}\n${k.etag}\n${k.operations}\n${k.format}`;
const objectIdOfKey = (key: string) => key.slice(0, key.indexOf('\n'));

/** ENTRY_OVERHEAD: bytes counted per entry beyond the result (its key, the entry, the index). */
const ENTRY_OVERHEAD = 256;

/** createResultStore makes the tiers. */
export async function createResultStore(opts: ResultStoreOptions): Promise<ResultStore> {
  const byObject = new Map<string, Set<string>>();
  const index = (key: string) => {
    const id = objectIdOfKey(key);
    let keys = byObject.get(id);
    if (!keys) byObject.set(id, (keys = new Set()));
    keys.add(key);
  };
  const unindex = (key: string) => {
    const id = objectIdOfKey(key);
    const keys = byObject.get(id);
    if (keys?.delete(key) && keys.size === 0) byObject.delete(id);
  };
  const memory = new LRUCache<string, CachedResult>({
    maxSize: opts.maxBytes,
    // One large result must not flush the cache.
    maxEntrySize: Math.max(1, Math.floor(opts.maxBytes / 4)),
    sizeCalculation: (v, k) => v.data.length + k.length * 2 + ENTRY_OVERHEAD,
    dispose: (_v, k, reason) => {
      if (reason === 'evict') opts.onEvict('memory');
      if (reason !== 'set' && !disk?.has(k)) unindex(k);
    },
  });
  const disk = await opts.makeDisk?.({
    onDrop: (k, evicted) => {
      if (evicted) opts.onEvict('disk');
      if (!memory.has(k)) unindex(k);
    },
    onLoad: index,
  });

  return {
    async get(k) {
      const key = keyOf(k);
      const hot = memory.get(key);
      if (hot) return { result: hot, tier: 'memory' };
      const cold = await disk?.get(key);
      if (!cold) return undefined;
      memory.set(key, cold);
      if (memory.has(key)) index(key);
      return { result: cold, tier: 'disk' };
    },
    set(k, result) {
      const key = keyOf(k);
      memory.set(key, result);
      if (memory.has(key)) index(key);
      // Indexed now, though written later: a purge meanwhile drops the index entry (the write then lands unindexed and ages out).
      if (disk?.set(key, result)) index(key);
    },
    disk,
    holds: (bucket, key) => byObject.has(objectIdOf(bucket, key)),
    purge(bucket, key) {
      const keys = byObject.get(objectIdOf(bucket, key));
      if (!keys) return;
      byObject.delete(objectIdOf(bucket, key));
      for (const k of keys) {
        memory.delete(k);
        disk?.delete(k);
      }
    },
    bytes: (tier) => (tier === 'memory' ? memory.calculatedSize : (disk?.bytes() ?? 0)),
  };
}
