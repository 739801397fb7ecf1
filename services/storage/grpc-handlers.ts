/**
 * createStorageHandlers: the StorageService gRPC implementation over a StorageBackend.
 * Handlers translate messages and stream bytes with backpressure; every rule lives in
 * the backend, every failure leaves as a MeshError status.
 */
import type * as grpc from '@grpc/grpc-js';
import { BucketVisibility, type Bucket, type ObjectInfo, type PutObjectRequest, type StorageServiceServer } from '../../generated/mediamesh/storage/v1/storage';
import { clientStreaming, MeshError, Status, streaming, unary as unaryHandler, write, type Logger } from '../runtime';
import type { BucketSpec, ObjectMeta, StorageBackend, Visibility } from './backend';
import { CONTENT_TYPE_RE } from './content-type';
import { invalidRequest } from './errors';

/** toObjectInfo converts backend metadata to the wire message. */
export function toObjectInfo(m: ObjectMeta): ObjectInfo {
  const ms = m.lastModified.getTime();
  return { bucket: m.bucket, key: m.key, size: m.size, etag: m.etag, contentType: m.contentType, lastModified: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } };
}

const toWireBucket = (b: BucketSpec): Bucket => ({
  name: b.name,
  visibility: b.visibility === 'private' ? BucketVisibility.BUCKET_VISIBILITY_PRIVATE : BucketVisibility.BUCKET_VISIBILITY_PUBLIC,
});

function fromWireVisibility(v: BucketVisibility): Visibility {
  if (v === BucketVisibility.BUCKET_VISIBILITY_PRIVATE) return 'private';
  if (v === BucketVisibility.BUCKET_VISIBILITY_PUBLIC || v === BucketVisibility.BUCKET_VISIBILITY_UNSPECIFIED) return 'public';
  throw invalidRequest(`bucket.visibility: unknown value ${v}`);
}

/** createStorageHandlers binds the service methods to a backend. */
export function createStorageHandlers(backend: StorageBackend, log: Logger): StorageServiceServer {
  const unary = <Req, Res>(method: string, fn: (req: Req) => Promise<Res>) => unaryHandler<Req, Res>(log, method, (req) => fn(req));

  return {
    putObject: clientStreaming(log, 'PutObject', async (call) => {
      const { header, chunks } = await uploadFrom(call);
      return { info: toObjectInfo(await backend.putObject(header.bucket, header.key, header.contentType, chunks)) };
    }),

    getObject: streaming(log, 'GetObject', async ({ bucket, key, range }, call, signal) => {
      const reader = await backend.openObject(bucket, key, range && { offset: range.offset, length: range.length });
      if (signal.aborted) return void reader.body.destroy();
      signal.addEventListener('abort', () => reader.body.destroy(), { once: true });
      const { visibility } = toWireBucket(reader.bucket);
      await write(call, { part: { $case: 'head', value: { info: toObjectInfo(reader.meta), range: reader.range, visibility } } });
      for await (const chunk of reader.body) {
        if (signal.aborted) break;
        await write(call, { part: { $case: 'chunk', value: chunk as Buffer } });
      }
    }),

    statObject: unary('StatObject', async (req) => {
      const info = await backend.statObject(req.bucket, req.key);
      const bucket = await backend.getBucket(req.bucket);
      return { info: toObjectInfo(info), visibility: toWireBucket(bucket).visibility };
    }),

    listObjects: unary('ListObjects', async (req) => {
      const page = await backend.listObjects(req.bucket, { prefix: req.prefix, limit: req.limit || 100, marker: req.marker });
      return { objects: page.objects.map(toObjectInfo), nextMarker: page.nextMarker };
    }),

    deleteObject: unary('DeleteObject', async (req) => {
      await backend.deleteObject(req.bucket, req.key);
      return {};
    }),

    createBucket: unary('CreateBucket', async (req) => {
      if (!req.bucket) throw invalidRequest('bucket: required');
      const created = await backend.createBucket({ name: req.bucket.name, visibility: fromWireVisibility(req.bucket.visibility) });
      return { bucket: toWireBucket(created) };
    }),

    listBuckets: unary('ListBuckets', async () => ({ buckets: (await backend.listBuckets()).map(toWireBucket) })),
  };
}

/**
 * uploadFrom reads the header message of an upload stream and returns the rest as an
 * async iterable of chunks; iterating it pulls from the call, so a slow disk slows the
 * sender through HTTP/2 flow control instead of buffering.
 */
async function uploadFrom(call: grpc.ServerReadableStream<PutObjectRequest, unknown>) {
  const it = call[Symbol.asyncIterator]() as AsyncIterator<PutObjectRequest>;
  const first = await it.next();
  if (first.done || first.value.part?.$case !== 'header') throw invalidRequest('PutObject: the first message must be the header');
  const header = first.value.part.value;
  if (header.contentType && !CONTENT_TYPE_RE.test(header.contentType)) throw invalidRequest(`content_type: ${JSON.stringify(header.contentType.slice(0, 100))} is not a MIME type`);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const next = await it.next();
      if (call.cancelled) throw cancelled();
      if (next.done) {
        await cancellationWindow(call);
        return;
      }
      const part = next.value.part;
      if (part?.$case !== 'chunk') throw invalidRequest('PutObject: only chunks may follow the header');
      yield part.value;
    }
  }
  return { header, chunks: chunks() };
}

const cancelled = () => new MeshError(Status.CANCELLED, 'upload cancelled by the client');

/**
 * CANCEL_GRACE_MS: how long a finished upload waits for a late cancellation before it
 * is committed. A Node client's cancel() half-closes the stream first and sends
 * RST_STREAM only after its writes flush, so the server sees a clean "end" ~10 ms before
 * "cancelled"; committing at once would store the truncated bytes. The gateway also
 * sends a poison message before cancelling (see gateway/storage-stream.ts), which is
 * deterministic; this window protects other clients.
 */
const CANCEL_GRACE_MS = 100;

function cancellationWindow(call: grpc.ServerReadableStream<PutObjectRequest, unknown>): Promise<void> {
  if (call.cancelled) return Promise.reject(cancelled());
  return new Promise((resolve, reject) => {
    const onCancel = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      call.off('cancelled', onCancel);
      resolve();
    }, CANCEL_GRACE_MS);
    call.once('cancelled', onCancel);
  });
}
