/**
 * StorageBackend: what the storage service needs from a place that keeps bytes. The
 * disk backend implements it today; an S3-compatible store can replace it without
 * touching the gRPC handlers. Implementations validate names themselves (defence in
 * depth: a backend never trusts its caller with paths) and throw MeshErrors.
 */
import type { Readable } from 'node:stream';

export type Visibility = 'public' | 'private';

/** BucketSpec describes a bucket. */
export interface BucketSpec {
  readonly name: string;
  readonly visibility: Visibility;
}

/** ObjectMeta describes a stored object. */
export interface ObjectMeta {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** Content hash: the first 32 hex digits of the SHA-256 of the bytes. */
  readonly etag: string;
  readonly contentType: string;
  readonly lastModified: Date;
}

/** ResolvedRange is a byte range resolved against an object's size. */
export interface ResolvedRange {
  readonly offset: number;
  readonly length: number;
}

/** ObjectReader is an opened object: its bucket, its meta, the range served and the bytes. */
export interface ObjectReader {
  readonly bucket: BucketSpec;
  readonly meta: ObjectMeta;
  readonly range: ResolvedRange;
  readonly body: Readable;
}

/** ListPage is one page of a listing. */
export interface ListPage {
  readonly objects: ObjectMeta[];
  /** Key to continue after; empty when this was the last page. */
  readonly nextMarker: string;
}

/** StorageBackend keeps buckets of objects. */
export interface StorageBackend {
  createBucket(spec: BucketSpec): Promise<BucketSpec>;
  getBucket(name: string): Promise<BucketSpec>;
  listBuckets(): Promise<BucketSpec[]>;
  /** putObject stores the bytes atomically: readers see the old object or the new one, never a part. */
  putObject(bucket: string, key: string, contentType: string, body: AsyncIterable<Uint8Array>): Promise<ObjectMeta>;
  /** openObject opens an object or a range of it ({offset, length: 0} = to the end). */
  openObject(bucket: string, key: string, range?: { offset: number; length: number }): Promise<ObjectReader>;
  statObject(bucket: string, key: string): Promise<ObjectMeta>;
  listObjects(bucket: string, opts: { prefix?: string; limit?: number; marker?: string }): Promise<ListPage>;
  deleteObject(bucket: string, key: string): Promise<void>;
}

/** resolveRange clamps a requested range to an object of `size` bytes; null when unsatisfiable. */
export function resolveRange(size: number, range?: { offset: number; length: number }): ResolvedRange | null {
  if (!range) return { offset: 0, length: size };
  const { offset, length } = range;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) return null;
  if (offset === 0 && size === 0) return { offset: 0, length: 0 };
  if (offset >= size) return null;
  const rest = size - offset;
  return { offset, length: length === 0 ? rest : Math.min(length, rest) };
}
