/**
 * Source bytes: inline, or an object read from storage through the mesh with the storage
 * read client, which stops as soon as the byte limit is passed (never buffers more than it allows).
 */
import type { ObjectRef, Source } from '../../generated/mediamesh/common/v1/common';
import type { SourceObject } from '../../generated/mediamesh/image/v1/image';
import { BucketVisibility } from '../../generated/mediamesh/storage/v1/storage';
import type { StorageReader } from '../storage/read-client';
import { badSource, inputTooLarge } from './errors';

/** SourceBytes is a request's source: its bytes, and the storage object they came from (unset for inline bytes). */
export interface SourceBytes {
  readonly data: Buffer;
  readonly object?: SourceObject;
}

/** StoredObject is a storage object's bytes and what storage said about it. */
export type StoredObject = Required<SourceBytes>;

/** ObjectReader reads one storage object (bounded). */
export type ObjectReader = (ref: ObjectRef, maxBytes: number, signal: AbortSignal) => Promise<StoredObject>;

/** createObjectReader reads sources and watermark images with the storage read client, bounded by the image byte limit. */
export function createObjectReader(reader: StorageReader): ObjectReader {
  return async (ref, maxBytes, signal) => {
    const { head, data } = await reader.readAll(ref, { maxBytes, signal, tooLarge: inputTooLarge });
    const { info, visibility } = head;
    return { data, object: { etag: info?.etag ?? '', size: info?.size ?? 0, privateBucket: visibility === BucketVisibility.BUCKET_VISIBILITY_PRIVATE } };
  };
}

/** loadSource returns the source's bytes, enforcing the byte limit for both kinds (an object comes as `readObject` gives it). */
export async function loadSource<T extends StoredObject>(
  source: Source | undefined,
  maxBytes: number,
  readObject: (ref: ObjectRef, maxBytes: number, signal: AbortSignal) => Promise<T>,
  signal: AbortSignal,
): Promise<SourceBytes | T> {
  switch (source?.kind?.$case) {
    case 'inline': {
      const data = source.kind.value;
      if (data.length === 0) throw badSource('inline bytes are empty');
      if (data.length > maxBytes) throw inputTooLarge(data.length, maxBytes);
      return { data: Buffer.from(data.buffer, data.byteOffset, data.length) };
    }
    case 'object': {
      const { bucket, key } = source.kind.value;
      if (!bucket || !key) throw badSource('object needs a bucket and a key');
      return readObject(source.kind.value, maxBytes, signal);
    }
    default:
      throw badSource('missing: give inline bytes or an object {bucket, key}');
  }
}
