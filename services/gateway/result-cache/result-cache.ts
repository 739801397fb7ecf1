/**
 * createResultCache: the gateway's results cache and its single flight, in front of
 * ImageService.Process.
 *
 * A hit costs no call at all: the source's etag comes from KnownEtags (known-etags.ts: kept true
 * by this gateway's own writes, storage's change signals and a TTL) and the result from the store
 * (result-store.ts) under (object, etag, canonical typed operations, negotiated format). When the
 * etag has expired but results of the object are held, one StatObject learns it again. A miss
 * makes the result with one Process call shared by every identical request in flight
 * (promise-coalesce: its map of promises in flight by key is the whole of single flight; our keys
 * carry this cache's instance, so two caches in one process never share a call): they all get
 * its result, or all get its error, and an error is never stored.
 * Pipelines that read other objects (image watermarks) are coalesced but not stored: their result
 * also depends on the mark's bytes, whose etag the key does not hold.
 */
import { coalesceAsync } from 'promise-coalesce';
import { formatImagePipeline, negotiateFormat, negotiatesFormat } from '../../../fop';
import type { ImageOperation } from '../../../generated/mediamesh/image/v1/operations';
import type { KnownEtags } from './known-etags';
import type { CachedResult } from './cached-result';
import type { ResultStore, Tier } from './result-store';

/** ImageRequest is what a result depends on. */
export interface ImageRequest {
  readonly bucket: string;
  readonly key: string;
  readonly operations: readonly ImageOperation[];
  readonly accept: string;
}

/** ResultCacheMetrics counts lookups (the gateway's meter). */
export interface ResultCacheMetrics {
  hit(tier: Tier): void;
  miss(): void;
  /** coalesced: a request joined an identical one's call in flight instead of making its own. */
  coalesced(): void;
}

export interface ResultCacheDeps {
  /** undefined = the cache is off (MEDIAMESH_RESULT_CACHE_BYTES=0): requests are still coalesced. */
  readonly store?: ResultStore;
  readonly etags: KnownEtags;
  readonly metrics: ResultCacheMetrics;
  /** statEtag asks storage for an object's current etag. */
  readonly statEtag: (bucket: string, key: string) => Promise<string>;
}

/** ResultCache: see the module comment. */
export interface ResultCache {
  readonly enabled: boolean;
  /** serve answers from the cache, or by `make` (once for all identical requests in flight), told the etag the gateway believes current (a source the image service holds at it needs no storage read). */
  serve(req: ImageRequest, make: (knownEtag: string | undefined) => Promise<CachedResult>): Promise<{ result: CachedResult; hit: boolean }>;
  /** knownEtag is the object's etag when fresh (conditional requests answer 304 without a call). */
  knownEtag(bucket: string, key: string): string | undefined;
  /** learned: storage told the etag (a StatObject of the route), read at `epochBefore`. */
  learned(bucket: string, key: string, etag: string, epochBefore: number): void;
  epoch(bucket: string): number;
  /** objectWritten: this gateway put or deleted the object; runs before the write is answered. */
  objectWritten(bucket: string, key: string): void;
}

/** readsOtherObjects tells whether a pipeline reads storage objects besides its source (image watermarks). */
export function readsOtherObjects(ops: readonly ImageOperation[]): boolean {
  return ops.some((o) => o.op?.$case === 'watermark' && o.op.value.layers.some((l) => l.content?.$case === 'image'));
}

let instances = 0;

/** createResultCache wires the parts. */
export function createResultCache(deps: ResultCacheDeps): ResultCache {
  const { store, etags, metrics } = deps;
  // promise-coalesce keeps one map per process: this prefix keeps each cache's flights its own.
  const flights = `mediamesh/gateway/result-cache/${++instances}`;

  /** currentEtag: known, or (when results of the object are held) learned again from storage. */
  const currentEtag = async (bucket: string, key: string): Promise<string | undefined> => {
    const known = etags.get(bucket, key);
    if (known || !store?.holds(bucket, key)) return known;
    const before = etags.epoch(bucket);
    return coalesceAsync(`${flights}/stat\n${bucket}/${key}\n${before}`, async () => {
      const etag = await deps.statEtag(bucket, key);
      etags.learn(bucket, key, etag, before);
      return etag;
    });
  };

  return {
    enabled: !!store,
    async serve(req, make) {
      const { bucket, key } = req;
      const operations = formatImagePipeline(req.operations);
      const format = negotiatesFormat(req.operations) ? negotiateFormat(req.accept) : '';
      const cacheable = !!store && !readsOtherObjects(req.operations);
      let known: string | undefined;
      if (cacheable) {
        known = await currentEtag(bucket, key);
        const found = known ? await store.get({ bucket, key, etag: known, operations, format }) : undefined;
        if (found) {
          metrics.hit(found.tier);
          return { result: found.result, hit: true };
        }
        metrics.miss();
      }
      // The epoch is in the flight's key: a request that arrives after a write never joins a call made before it.
      const before = etags.epoch(bucket);
      let mine = false;
      const flight = coalesceAsync(`${flights}/process\n${bucket}/${key}\n${before}\n${operations}\n${format}`, async () => {
        mine = true;
        const made = await make(known);
        // Stored under the etag of the bytes it was made from: right for that etag whenever it was made.
        // Believed as the object's current etag only when the bucket has not changed since the call began.
        if (cacheable) store.set({ bucket, key, etag: made.sourceEtag, operations, format }, made);
        etags.learn(bucket, key, made.sourceEtag, before);
        return made;
      });
      // coalesceAsync starts a new call synchronously, so `mine` already tells a joiner (counted as it joins).
      if (!mine) metrics.coalesced();
      return { result: await flight, hit: false };
    },
    knownEtag: (bucket, key) => (store ? etags.get(bucket, key) : undefined),
    learned: (bucket, key, etag, before) => void etags.learn(bucket, key, etag, before),
    epoch: (bucket) => etags.epoch(bucket),
    objectWritten(bucket, key) {
      etags.forget(bucket, key);
      store?.purge(bucket, key);
    },
  };
}
