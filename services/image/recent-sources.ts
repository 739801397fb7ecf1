/**
 * RecentSources: the storage objects this image service read lately, with their decoded
 * header, keyed by bucket/key and trusted only at the etag they were read at (an etag names
 * content, so an entry is never stale, only unused). Two savings on the cold path:
 * - a caller that knows the object's current etag (ProcessRequest.source_etag; the gateway
 *   knows it for its results cache) is answered from an entry at that etag without reading
 *   storage: the many sizes asked of one new upload read it once;
 * - a read whose etag matches the entry reuses the entry's header, one sharp metadata() less.
 * Bounded in bytes (LRU, lru-cache); an object larger than a quarter of the bound is not kept.
 */
import { LRUCache } from 'lru-cache';
import type { ObjectRef } from '../../generated/mediamesh/common/v1/common';
import type { Metadata } from './sharp';
import type { ObjectReader, StoredObject } from './source';

/** HeldSource is a source object's bytes, what storage said of it, and its header once read. */
export interface HeldSource extends StoredObject {
  header?: Metadata;
}

export interface RecentSources {
  /** read returns the object at `knownEtag` when held, else reads storage (and keeps the result). */
  read(ref: ObjectRef, knownEtag: string, maxBytes: number, signal: AbortSignal): Promise<HeldSource>;
  /** keepHeader stores the header read from a source's bytes (the pipeline reads it once). */
  keepHeader(ref: ObjectRef, source: HeldSource, header: Metadata): void;
}

const keyOf = (ref: ObjectRef) => `${ref.bucket}/${ref.key}`;

/** Bytes an entry costs beyond its data: the header's own buffers (EXIF, ICC, XMP) and bookkeeping. */
function sizeOf(entry: HeldSource): number {
  const h = entry.header;
  return entry.data.length + 512 + (h?.exif?.length ?? 0) + (h?.icc?.length ?? 0) + (h?.xmp?.length ?? 0) + (h?.iptc?.length ?? 0);
}

/** createRecentSources keeps up to `maxBytes` of sources; 0 keeps none (every call reads storage). */
export function createRecentSources(readObject: ObjectReader, maxBytes: number): RecentSources {
  if (maxBytes <= 0)
    return {
      read: (ref, _etag, limit, signal) => readObject(ref, limit, signal),
      keepHeader: (_ref, source, header) => void (source.header = header),
    };
  const held = new LRUCache<string, HeldSource>({ maxSize: maxBytes, maxEntrySize: Math.floor(maxBytes / 4), sizeCalculation: sizeOf });
  return {
    async read(ref, knownEtag, limit, signal) {
      const key = keyOf(ref);
      const entry = held.get(key);
      if (entry && knownEtag && entry.object.etag === knownEtag && entry.data.length <= limit) return entry;
      const fresh: HeldSource = await readObject(ref, limit, signal);
      if (entry && entry.object.etag === fresh.object.etag) fresh.header = entry.header;
      if (fresh.object.etag) held.set(key, fresh);
      return fresh;
    },
    keepHeader(ref, source, header) {
      source.header = header;
      // Set again so the entry's size counts the header's buffers (when it is still the one held).
      const key = keyOf(ref);
      if (held.peek(key) === source) held.set(key, source);
    },
  };
}
