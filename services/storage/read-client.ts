/**
 * createStorageReader: THE way a process reads a storage object (the gateway serving bytes,
 * the image service loading a source or a watermark, the video service downloading an input).
 * One GetObject stream per read, its head first (what the object is, its size, its bucket's
 * visibility), then the bytes as a Readable with backpressure.
 *
 * Failures: before the head, the call is the mesh's to retry (the storage service's retry
 * policy, applied by grpc-js or the Envoy sidecar; mesh/client/index.ts says what retries what),
 * and this client opens once. A stream cut after the head (the instance died, or its sidecar
 * reset the stream: cutOff), which no transport can repeat, is the one retry made here: it
 * resumes from the next byte while the object is the same (etag), so a response whose first
 * bytes went out is never truncated by an instance kill. One cut costs one more read.
 * A byte limit refuses an object by its head's size, and a stream passing it mid-way.
 */
import * as grpc from '@grpc/grpc-js';
import { Readable } from 'node:stream';
import type { ByteRange, ObjectRef } from '../../generated/mediamesh/common/v1/common';
import type { GetObjectResponse, ObjectHead, StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { cutOff, readHeadThenChunks } from '../../mesh/client';
import { MeshError } from '../runtime';

/** RESUME_ATTEMPTS: how often one download may be resumed after its stream was cut. */
const RESUME_ATTEMPTS = 2;

const HEAD_MESSAGES = {
  bytesFirst: 'storage sent object bytes before the object head',
  noHead: 'storage ended the download without the object head',
};

/** ReadOptions bound one read. */
export interface ReadOptions {
  /** Only these bytes (absent = the whole object). */
  readonly range?: { offset: number; length: number };
  /** Aborts the read: the call is cancelled and the read rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Refuse objects (or ranges) above this many bytes, by the head and while streaming. */
  readonly maxBytes?: number;
  /** The error for an object over maxBytes (each service names its own limit). */
  readonly tooLarge?: (size: number, maxBytes: number) => Error;
}

/** OpenedObject is a read whose head has arrived. */
export interface OpenedObject {
  readonly head: ObjectHead;
  readonly body: Readable;
}

/** StorageReader reads objects. */
export interface StorageReader {
  /** open waits for the head and returns the bytes as a stream. */
  open(ref: ObjectRef, opts?: ReadOptions): Promise<OpenedObject>;
  /** readAll returns the whole object (or range) in memory; give maxBytes. */
  readAll(ref: ObjectRef, opts: ReadOptions & { maxBytes: number }): Promise<{ head: ObjectHead; data: Buffer }>;
}

const defaultTooLarge = (size: number, max: number) => new MeshError(grpc.status.RESOURCE_EXHAUSTED, `object is ${size} bytes, more than the limit of ${max} bytes`);

/** createStorageReader reads through the client `storage()` returns (called per read, so it may dial lazily). */
export function createStorageReader(storage: () => StorageServiceClient): StorageReader {
  const openOnce = (ref: ObjectRef, range: ByteRange | undefined, signal: AbortSignal | undefined) => {
    signal?.throwIfAborted();
    const call = storage().getObject({ bucket: ref.bucket, key: ref.key, range });
    const abort = () => call.cancel();
    signal?.addEventListener('abort', abort, { once: true });
    call.once('close', () => signal?.removeEventListener('abort', abort));
    return readHeadThenChunks<ObjectHead>(call as grpc.ClientReadableStream<GetObjectResponse>, HEAD_MESSAGES).catch((err) => {
      signal?.removeEventListener('abort', abort);
      throw signal?.aborted ? signal.reason : err;
    });
  };

  const open = async (ref: ObjectRef, opts: ReadOptions = {}): Promise<OpenedObject> => {
    const { signal, maxBytes = Infinity, tooLarge = defaultTooLarge } = opts;
    const first = await openOnce(ref, opts.range, signal);
    const offset = first.head.range?.offset ?? 0;
    const length = first.head.range?.length ?? first.head.info?.size ?? 0;
    if (length > maxBytes) {
      first.body.destroy();
      throw tooLarge(length, maxBytes);
    }
    let over: Error | undefined;
    async function* resumable(): AsyncGenerator<Buffer> {
      let body = first.body;
      let sent = 0;
      for (let resumes = 0; ; resumes++) {
        try {
          for await (const chunk of body) {
            sent += (chunk as Buffer).length;
            if (sent > maxBytes) throw (over = tooLarge(sent, maxBytes));
            yield chunk as Buffer;
          }
          return;
        } catch (err) {
          if (signal?.aborted) throw signal.reason;
          if (err === over) throw err;
          if (sent >= length) return;
          const e = MeshError.from(err);
          if (!cutOff({ code: e.code, details: e.publicMessage }) || resumes >= RESUME_ATTEMPTS) throw err;
          const next = await openOnce(ref, { offset: offset + sent, length: length - sent }, signal).catch(() => undefined);
          if (!next || next.head.info?.etag !== first.head.info?.etag) {
            next?.body.destroy();
            throw err;
          }
          body = next.body;
        } finally {
          if (signal?.aborted) body.destroy();
        }
      }
    }
    return { head: first.head, body: Readable.from(resumable(), { objectMode: false }) };
  };

  return {
    open,
    async readAll(ref, opts) {
      const { head, body } = await open(ref, opts);
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of body) {
        chunks.push(chunk as Buffer);
        total += (chunk as Buffer).length;
      }
      return { head, data: Buffer.concat(chunks, total) };
    },
  };
}
