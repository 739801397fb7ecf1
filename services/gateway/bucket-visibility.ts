/**
 * createBucketDirectory: which buckets are private, from StorageService.ListBuckets,
 * cached for a few seconds. Used before any work on an operation (an unsigned request to
 * a private bucket costs no processing) and on the NOT_FOUND path, so that a missing object
 * in a private bucket answers 401 to an unsigned request, like an existing one: without
 * it, anyone could probe which keys exist in a private bucket. Never the last word: storage's
 * own answer (StatObject, or the source visibility the image service reports) is checked too.
 */
import { BucketVisibility } from '../../generated/mediamesh/storage/v1/storage';
import type { Upstreams } from './upstreams';
import { unary } from './upstreams';

/** BucketDirectory answers visibility questions. */
export interface BucketDirectory {
  isPrivate(bucket: string): Promise<boolean>;
}

/** createBucketDirectory caches the bucket list for ttlMs. */
export function createBucketDirectory(upstreams: Upstreams, timeoutMs: number, ttlMs = 5000): BucketDirectory {
  let cached: { at: number; privates: Set<string> } | undefined;
  let loading: Promise<Set<string>> | undefined;
  const load = async () => {
    const storage = upstreams.storage;
    const res = await unary(storage, storage.listBuckets, {}, timeoutMs);
    const privates = new Set(res.buckets.filter((b) => b.visibility === BucketVisibility.BUCKET_VISIBILITY_PRIVATE).map((b) => b.name));
    cached = { at: Date.now(), privates };
    return privates;
  };
  return {
    async isPrivate(bucket) {
      if (cached && Date.now() - cached.at < ttlMs) return cached.privates.has(bucket);
      loading ??= load().finally(() => (loading = undefined));
      return (await loading).has(bucket);
    },
  };
}
