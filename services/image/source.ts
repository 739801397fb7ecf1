/**
 * Source bytes: inline, or an object read from storage through the mesh with a streaming
 * GetObject that stops as soon as the byte limit is passed (never buffers more than it allows).
 */
import type { ObjectRef, Source } from '../../generated/mediamesh/common/v1/common';
import type { SourceObject } from '../../generated/mediamesh/image/v1/image';
import { BucketVisibility, StorageServiceClient, type GetObjectResponse } from '../../generated/mediamesh/storage/v1/storage';
import { createMeshClient } from '../../mesh/client';
import { retryUnavailable } from '../../mesh/client/retry-unavailable';
import { MeshError, Status } from '../runtime';
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

/** createStorageReader dials storage lazily (first use) through the mesh client (tests pass their own dial). */
export function createStorageReader(dial: () => StorageServiceClient = () => createMeshClient(StorageServiceClient, 'storage')): ObjectReader & { close(): void } {
  let client: StorageServiceClient | undefined;
  // A storage instance dying mid-stream: start over on another one (reads are idempotent).
  const read: ObjectReader = (ref, maxBytes, signal) => retryUnavailable(() => readOnce(ref, maxBytes, signal), signal);
  const readOnce: ObjectReader = (ref, maxBytes, signal) =>
    new Promise<StoredObject>((resolve, reject) => {
      const storage = (client ??= dial());
      const call = storage.getObject({ bucket: ref.bucket, key: ref.key, range: undefined });
      const chunks: Buffer[] = [];
      let total = 0;
      // Set by the head message, which storage sends first: without it nothing says whose bytes these are.
      let object: SourceObject | undefined;
      let failed = false;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        signal.removeEventListener('abort', onAbort);
        call.cancel();
        reject(err);
      };
      const onAbort = () => fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      call.on('data', (msg: GetObjectResponse) => {
        if (msg.part?.$case === 'head') {
          const { info, visibility } = msg.part.value;
          const size = info?.size ?? 0;
          object = { etag: info?.etag ?? '', size, privateBucket: visibility === BucketVisibility.BUCKET_VISIBILITY_PRIVATE };
          if (size > maxBytes) fail(inputTooLarge(size, maxBytes));
          return;
        }
        if (msg.part?.$case !== 'chunk') return;
        if (!object) return fail(new MeshError(Status.INTERNAL, 'storage sent object bytes before the object head'));
        total += msg.part.value.length;
        if (total > maxBytes) return fail(inputTooLarge(total, maxBytes));
        chunks.push(Buffer.from(msg.part.value));
      });
      call.on('error', (err) => fail(MeshError.from(err)));
      call.on('end', () => {
        if (failed) return;
        if (!object) return fail(new MeshError(Status.INTERNAL, 'storage ended the download without the object head'));
        signal.removeEventListener('abort', onAbort);
        resolve({ data: Buffer.concat(chunks, total), object });
      });
    });
  return Object.assign(read, { close: () => client?.close() });
}

/** loadSource returns the source's bytes, enforcing the byte limit for both kinds. */
export async function loadSource(source: Source | undefined, maxBytes: number, readObject: ObjectReader, signal: AbortSignal): Promise<SourceBytes> {
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
