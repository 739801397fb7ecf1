/**
 * KnownEtags: the gateway's short-lived memory of each source object's current etag, the first
 * half of a results-cache hit (the result is keyed by it). How it stays true:
 * - a PUT or DELETE through this gateway forgets the object before it is answered (synchronous);
 * - a write that bypasses this gateway (another gateway, a gRPC client of storage) arrives as the
 *   bucket's change signal from storage through ZooKeeper (mesh/registry/change-signal.ts) and
 *   drops every etag of the bucket, typically within milliseconds;
 * - an etag is believed for at most `ttlMs`, the bound when ZooKeeper is unreachable (or when
 *   the gateway runs without it).
 * Dropping a bucket is O(1): each bucket has an epoch, an entry is valid only at the epoch it was
 * learned at. The epoch also closes the race of a request that read the object before a write and
 * answers after it: learn() is given the epoch read before the upstream call and refuses to store
 * an etag the bucket may have changed since.
 */
import { LRUCache } from 'lru-cache';

export interface KnownEtagsOptions {
  /** Longest time an etag is believed without news (0 = never: ask storage every time). */
  readonly ttlMs: number;
  /** Most objects remembered. */
  readonly maxObjects?: number;
  /** Called once per bucket when its first etag is learned (the gateway watches its change signal). */
  readonly onFirstEtagOfBucket?: (bucket: string) => void;
}

/** KnownEtags: see the module comment. */
export interface KnownEtags {
  /** get is the object's etag while fresh, else undefined (ask storage). */
  get(bucket: string, key: string): string | undefined;
  /** epoch is the bucket's change count: read it before an upstream call, give it to learn(). */
  epoch(bucket: string): number;
  /** learn remembers an etag read from storage at `epochBefore`, unless the bucket changed since. Tells whether it did. */
  learn(bucket: string, key: string, etag: string, epochBefore: number): boolean;
  /** forget: this gateway wrote or deleted the object. */
  forget(bucket: string, key: string): void;
  /** bucketChanged: a change signal for the bucket (a write anywhere). */
  bucketChanged(bucket: string): void;
}

interface Known {
  readonly etag: string;
  readonly epoch: number;
}

const objectId = (bucket: string, key: string) => `${bucket}/${key}`;

/** createKnownEtags makes an empty memory. */
export function createKnownEtags(opts: KnownEtagsOptions): KnownEtags {
  // ttlMs 0: never believe a remembered etag (lru-cache would read a ttl of 0 as "forever").
  const remember = opts.ttlMs > 0;
  const known = new LRUCache<string, Known>({ max: opts.maxObjects ?? 100_000, ttl: Math.max(1, opts.ttlMs) });
  const epochs = new Map<string, number>();
  const watched = new Set<string>();
  const epoch = (bucket: string) => epochs.get(bucket) ?? 0;
  const bump = (bucket: string) => epochs.set(bucket, epoch(bucket) + 1);

  return {
    get(bucket, key) {
      const k = known.get(objectId(bucket, key));
      return k && k.epoch === epoch(bucket) ? k.etag : undefined;
    },
    epoch,
    learn(bucket, key, etag, epochBefore) {
      if (!etag || epochBefore !== epoch(bucket)) return false;
      if (!watched.has(bucket)) {
        watched.add(bucket);
        opts.onFirstEtagOfBucket?.(bucket);
      }
      if (remember) known.set(objectId(bucket, key), { etag, epoch: epochBefore });
      return true;
    },
    forget(bucket, key) {
      known.delete(objectId(bucket, key));
      // Also refuses what requests in flight for this bucket read before the write.
      bump(bucket);
    },
    bucketChanged: bump,
  };
}
