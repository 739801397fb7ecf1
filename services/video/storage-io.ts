/**
 * Storage I/O of the video service through the mesh (createMeshClient(..., 'storage')):
 * download an object into a file with a byte limit, upload a file as an object. Uploads
 * overwrite by key, which is what makes job outputs idempotent across retries/takeovers.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ObjectRef } from '../../generated/mediamesh/common/v1/common';
import { StorageServiceClient, type GetObjectResponse } from '../../generated/mediamesh/storage/v1/storage';
import { createMeshClient } from '../../mesh/client';
import { retryUnavailable } from '../../mesh/client/retry-unavailable';
import { limitExceeded, storageFailed } from './errors';

/** StorageIo is what the video service needs of storage. */
export interface StorageIo {
  /** download writes bucket/key to file, refusing objects above maxBytes; returns the first bytes for sniffing. */
  download(ref: ObjectRef, file: string, maxBytes: number, signal: AbortSignal): Promise<Buffer>;
  /** stat returns an object's size and etag (NOT_FOUND when missing). */
  stat(ref: ObjectRef, signal: AbortSignal): Promise<{ size: number; etag: string }>;
  /** upload streams file into bucket/key. */
  upload(file: string, ref: ObjectRef, contentType: string, signal: AbortSignal): Promise<void>;
  close(): void;
}

/** createStorageIo dials storage lazily (the first job or object source), so a service without storage still starts. */
export function createStorageIo(): StorageIo {
  let client: StorageServiceClient | undefined;
  const get = () => (client ??= createMeshClient(StorageServiceClient, 'storage'));
  /** downloadOnce is one attempt: a stream cut by a dying storage instance rejects with UNAVAILABLE. */
  const downloadOnce = async (ref: ObjectRef, file: string, maxBytes: number, signal: AbortSignal): Promise<Buffer> => {
    const call = get().getObject({ bucket: ref.bucket, key: ref.key });
    const abort = () => call.cancel();
    signal.addEventListener('abort', abort, { once: true });
    const out = createWriteStream(file);
    let head = Buffer.alloc(0);
    let total = 0;
    try {
      for await (const msg of call as AsyncIterable<GetObjectResponse>) {
        if (msg.part?.$case === 'head') {
          const size = msg.part.value.info?.size ?? 0;
          if (size > maxBytes) throw limitExceeded('size', `${size} bytes`, `${maxBytes} bytes`, 'MEDIAMESH_VIDEO_MAX_INPUT_BYTES');
        } else if (msg.part?.$case === 'chunk') {
          total += msg.part.value.length;
          if (total > maxBytes) throw limitExceeded('size', `over ${maxBytes} bytes`, `${maxBytes} bytes`, 'MEDIAMESH_VIDEO_MAX_INPUT_BYTES');
          if (head.length < 4096) head = Buffer.concat([head, msg.part.value.subarray(0, 4096 - head.length)]);
          if (!out.write(msg.part.value)) await once(out, 'drain');
        }
      }
      out.end();
      await once(out, 'close');
      return head;
    } catch (err) {
      call.cancel();
      out.destroy();
      if (err instanceof Error && err.name === 'MeshError') throw err;
      throw storageFailed(`reading ${ref.bucket}/${ref.key} from storage`, err);
    } finally {
      signal.removeEventListener('abort', abort);
    }
  };
  return {
    // A storage instance dying mid-stream: start over on another one (reads are idempotent).
    download: (ref, file, maxBytes, signal) => retryUnavailable(() => downloadOnce(ref, file, maxBytes, signal), signal),
    stat(ref, signal) {
      return new Promise((resolve, reject) => {
        const call = get().statObject({ bucket: ref.bucket, key: ref.key }, (err, res) =>
            err ? reject(storageFailed(`reading ${ref.bucket}/${ref.key} from storage`, err)) : resolve({ size: res.info?.size ?? 0, etag: res.info?.etag ?? '' }),
          );
        signal.addEventListener('abort', () => call.cancel(), { once: true });
      });
    },
    async upload(file, ref, contentType, signal) {
      await new Promise<void>((resolve, reject) => {
        const call = get().putObject((err) => (err ? reject(storageFailed(`writing ${ref.bucket}/${ref.key} to storage`, err)) : resolve()));
        const abort = () => call.cancel();
        signal.addEventListener('abort', abort, { once: true });
        call.write({ part: { $case: 'header', value: { bucket: ref.bucket, key: ref.key, contentType } } });
        const src = createReadStream(file, { highWaterMark: 256 * 1024 });
        src.on('data', (chunk) => {
          if (!call.write({ part: { $case: 'chunk', value: chunk as Buffer } })) {
            src.pause();
            call.once('drain', () => src.resume());
          }
        });
        src.on('end', () => call.end());
        src.on('error', (err) => {
          call.cancel();
          reject(err);
        });
        call.on('close', () => signal.removeEventListener('abort', abort));
      });
    },
    close: () => client?.close(),
  };
}
