/**
 * Streaming between HTTP and the storage service, with backpressure both ways:
 *  - readObject turns GetObject's message stream into a byte Readable that pulls a
 *    message only when the HTTP response can take more;
 *  - writeObject pipes an HTTP request body into PutObject, counting bytes and stopping
 *    (413) as soon as the limit is passed; an aborted upload cancels the call, so the
 *    storage service discards the temp file and the old object stays.
 * The same readHeadThenChunks serves video transcodes (head message, then chunks).
 */
import * as grpc from '@grpc/grpc-js';
import { Readable, Transform, pipeline } from 'node:stream';
import type { ObjectHead, ObjectInfo, PutObjectHeader, PutObjectRequest, StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { retryUnavailable } from '../../mesh/client/retry-unavailable';
import { MeshError } from '../runtime';
import { GatewayError, payloadTooLarge } from './errors';

type Part<H> = { $case: 'head'; value: H } | { $case: 'chunk'; value: Buffer } | undefined;

/**
 * readHeadThenChunks waits for the first message (the head) of a server stream and
 * returns it with the remaining chunks as a byte stream. Errors before the head reject;
 * errors after it destroy the byte stream (the HTTP response is then cut short).
 */
export async function readHeadThenChunks<H>(call: grpc.ClientReadableStream<{ part?: Part<H> }>): Promise<{ head: H; body: Readable }> {
  const it = call[Symbol.asyncIterator]() as AsyncIterator<{ part?: Part<H> }>;
  let first: IteratorResult<{ part?: Part<H> }>;
  try {
    first = await it.next();
  } catch (err) {
    throw MeshError.from(err);
  }
  if (first.done || first.value.part?.$case !== 'head') {
    call.cancel();
    throw new MeshError(grpc.status.INTERNAL, 'upstream stream did not start with a head message');
  }
  const head = first.value.part.value;
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        if (next.value.part?.$case === 'chunk') yield next.value.part.value;
      }
    } finally {
      // Runs when the response is destroyed early too: stop the upstream call.
      call.cancel();
    }
  }
  return { head, body: Readable.from(chunks(), { objectMode: false }) };
}

/** RESUME_ATTEMPTS: how often one download may be resumed after its storage instance died. */
const RESUME_ATTEMPTS = 2;

/**
 * readObject opens an object (or a range) on the storage service. gRPC retries cannot
 * help once the head has arrived (the call is committed), so a stream cut by a dying
 * storage instance (UNAVAILABLE) is resumed here from the next byte on another instance,
 * provided the object is still the same (etag): an instance kill never truncates a
 * response whose status line has already gone out.
 */
export async function readObject(
  storage: StorageServiceClient,
  req: { bucket: string; key: string; range?: { offset: number; length: number } },
): Promise<{ head: ObjectHead; body: Readable }> {
  const open = (range?: { offset: number; length: number }) =>
    readHeadThenChunks<ObjectHead>(storage.getObject({ ...req, range }) as grpc.ClientReadableStream<{ part?: Part<ObjectHead> }>);
  // A storage instance dying before the head (connection reset mid-call) is not retried by
  // grpc-js once the request has left; reads are idempotent, so open again on another one.
  const first = await retryUnavailable(() => open(req.range));
  const offset = first.head.range?.offset ?? 0;
  const length = first.head.range?.length ?? first.head.info?.size ?? 0;
  async function* resumable(): AsyncGenerator<Buffer> {
    let body = first.body;
    let sent = 0;
    for (let resumes = 0; ; resumes++) {
      try {
        for await (const chunk of body) {
          sent += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
        return;
      } catch (err) {
        if (sent >= length) return;
        if (MeshError.from(err).code !== grpc.status.UNAVAILABLE || resumes >= RESUME_ATTEMPTS) throw err;
        const next = await open({ offset: offset + sent, length: length - sent }).catch(() => undefined);
        if (!next || next.head.info?.etag !== first.head.info?.etag) {
          next?.body.destroy();
          throw err;
        }
        body = next.body;
      }
    }
  }
  return { head: first.head, body: Readable.from(resumable(), { objectMode: false }) };
}

/** writeObject streams `source` into PutObject and resolves with the stored object's info. */
export function writeObject(
  storage: StorageServiceClient,
  header: PutObjectHeader,
  source: Readable,
  limit: number,
  onBytes: (n: number) => void = () => undefined,
): Promise<ObjectInfo> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err: unknown, info?: ObjectInfo) => {
      if (settled) return;
      settled = true;
      if (err) reject(err instanceof GatewayError ? err : MeshError.from(err));
      else resolve(info!);
    };
    const call = storage.putObject((err, res) => settle(err, res?.info));
    call.write({ part: { $case: 'header', value: header } } satisfies PutObjectRequest);
    let total = 0;
    const toMessages = new Transform({
      writableObjectMode: false,
      readableObjectMode: true,
      transform(chunk: Buffer, _enc, cb) {
        total += chunk.length;
        onBytes(chunk.length);
        if (total > limit) return cb(payloadTooLarge(limit));
        cb(null, { part: { $case: 'chunk', value: chunk } } satisfies PutObjectRequest);
      },
    });
    // pipe (not pipeline) into the call: on a failure the call must stay writable for
    // abortUpload's poison message instead of being destroyed by the pipeline.
    toMessages.pipe(call as unknown as NodeJS.WritableStream);
    pipeline(source, toMessages, (err: NodeJS.ErrnoException | null) => {
      if (!err) return; // the unary callback settles success (or the storage's error)
      toMessages.unpipe();
      settle(err);
      abortUpload(call);
    });
  });
}

/**
 * abortUpload makes sure a failed upload is never committed. A second header is a
 * protocol error the storage service rejects before it commits anything (messages are
 * handled in order), so it is a deterministic abort; cancel() alone races the server's
 * end-of-stream (see CANCEL_GRACE_MS in storage/grpc-handlers.ts).
 */
function abortUpload(call: grpc.ClientWritableStream<PutObjectRequest>): void {
  try {
    if (!call.writableEnded && !call.destroyed) call.write({ part: { $case: 'header', value: { bucket: '', key: '', contentType: '' } } });
  } catch {
    /* the stream is already gone: cancel below is enough */
  }
  call.cancel();
}
