/**
 * Storage I/O of the video service through the mesh (createMeshClient(..., 'storage')):
 * download an object into a file with a byte limit (the storage read client), upload a file as an object. Uploads
 * overwrite by key, which is what makes job outputs idempotent across retries/takeovers.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectRef } from '../../generated/mediamesh/common/v1/common';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { createMeshClient, lazyClient } from '../../mesh/client';
import { createStorageReader } from '../storage/read-client';
import { limitExceeded, storageFailed } from './errors';

/** SNIFF_BYTES: how much of the start of a download comes back for content sniffing. */
const SNIFF_BYTES = 4096;

/** StorageIo is what the video service needs of storage. */
export interface StorageIo {
  /** download writes bucket/key to file, refusing objects above maxBytes; returns the first bytes for sniffing. */
  download(ref: ObjectRef, file: string, maxBytes: number, signal: AbortSignal): Promise<Buffer>;
  /** stat returns an object's size and etag (NOT_FOUND when missing). */
  stat(ref: ObjectRef, signal: AbortSignal): Promise<{ size: number; etag: string }>;
  /** upload streams file into bucket/key. */
  upload(file: string, ref: ObjectRef, contentType: string, signal: AbortSignal): Promise<void>;
  /** connect dials storage now (at start); returns why it could not. */
  connect(): Error | undefined;
  close(): void;
}

/**
 * createStorageIo dials storage at its first use or at connect(); a service that cannot dial
 * it (direct mode without its address) still starts.
 */
export function createStorageIo(): StorageIo {
  const get = lazyClient(() => createMeshClient(StorageServiceClient, 'storage'));
  const reader = createStorageReader(get);
  // The limit's own errors pass as they are; every other failure says it was storage's.
  const limitErrors = new WeakSet<Error>();
  const tooLarge = (size: number, max: number) => {
    const err = limitExceeded('size', `${size} bytes`, `${max} bytes`, 'MEDIAMESH_VIDEO_MAX_INPUT_BYTES');
    limitErrors.add(err);
    return err;
  };
  return {
    async download(ref, file, maxBytes, signal) {
      let head = Buffer.alloc(0);
      try {
        const { body } = await reader.open(ref, { maxBytes, signal, tooLarge });
        // The first bytes come back for sniffing (playlists are refused before ffprobe sees them).
        const sniff = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
            cb(null, chunk);
          },
        });
        await pipeline(body, sniff, createWriteStream(file), { signal });
        return head;
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (limitErrors.has(err as Error)) throw err;
        throw storageFailed(`reading ${ref.bucket}/${ref.key} from storage`, err);
      }
    },
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
    connect: get.connect,
    close: get.close,
  };
}
