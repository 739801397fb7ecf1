/**
 * Uploads from HTTP into the storage service, with backpressure: writeObject pipes an HTTP
 * request body into PutObject, counting bytes and stopping (413) as soon as the limit is
 * passed; an aborted upload cancels the call, so the storage service discards the temp
 * file and the old object stays. (Reads go through the storage read client,
 * services/storage/read-client.ts, which gateway, image and video share.)
 */
import type * as grpc from '@grpc/grpc-js';
import { finished, type Readable, Transform } from 'node:stream';
import type { ObjectInfo, PutObjectHeader, PutObjectRequest, StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { MeshError } from '../runtime';
import { GatewayError, payloadTooLarge } from './errors';

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
    // pipe (not pipeline) both ways. Into the call: on a failure the call must stay writable
    // for abortUpload's poison message. From the request: a refused body (over the limit)
    // must not destroy the request, which would reset the connection under the client still
    // sending it before it reads the 413 (the route closes it lingering instead).
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      source.unpipe(toMessages);
      toMessages.unpipe();
      settle(err);
      abortUpload(call);
    };
    toMessages.pipe(call as unknown as NodeJS.WritableStream);
    source.pipe(toMessages);
    toMessages.once('error', fail);
    // The client going away mid-body (premature close) or the request failing.
    finished(source, (err) => err && fail(err));
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
