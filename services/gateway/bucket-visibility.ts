/**
 * createBucketDirectory: the gateway's one source of bucket visibility (public or private),
 * read from StorageService.ListBuckets. A bucket's visibility never changes once created
 * (CreateBucket refuses a different one) and buckets are never deleted, so whatever the
 * list once said stays true: a bucket seen is answered from memory for good, and only a
 * bucket not seen yet (created since, or not existing) reads the list again (concurrent
 * misses share one read). A bucket still absent then does not exist: it is not private,
 * and storage answers the request with NOT_FOUND.
 *
 * Asked before any work on a request, so an unsigned request to a private bucket costs no
 * processing, and a missing key in a private bucket answers 401 like an existing one
 * (nobody can probe which keys exist there). A list that cannot be read fails the request
 * (no private object is ever served on a guess).
 */
import { BucketVisibility } from '../../generated/mediamesh/storage/v1/storage';
import type { Upstreams } from './upstreams';
import { unary } from './upstreams';

/** BucketDirectory answers visibility questions. */
export interface BucketDirectory {
  isPrivate(bucket: string): Promise<boolean>;
}

/** createBucketDirectory reads the bucket list through upstreams.storage. */
export function createBucketDirectory(upstreams: Upstreams, timeoutMs: number): BucketDirectory {
  const known = new Map<string, boolean>();
  let loading: Promise<void> | undefined;
  const load = async () => {
    const storage = upstreams.storage;
    const res = await unary(storage, storage.listBuckets, {}, timeoutMs);
    for (const b of res.buckets) known.set(b.name, b.visibility === BucketVisibility.BUCKET_VISIBILITY_PRIVATE);
  };
  return {
    async isPrivate(bucket) {
      const seen = known.get(bucket);
      if (seen !== undefined) return seen;
      await (loading ??= load().finally(() => (loading = undefined)));
      return known.get(bucket) ?? false;
    },
  };
}
