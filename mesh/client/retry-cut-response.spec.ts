import * as grpc from '@grpc/grpc-js';
import * as http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StatObjectResponse, StorageServiceClient, StorageServiceService } from '../../generated/mediamesh/storage/v1/storage';
import { VideoServiceClient } from '../../generated/mediamesh/video/v1/video';
import { createMeshClient } from './index';
import { retryCutResponseProvider } from './retry-cut-response';

/**
 * A gRPC server on node:http2 that can do what a server killed mid-response does: send the
 * response headers and message, then drop the connection before the trailers ('cut'), or what
 * an Envoy sidecar in front of it does then: reset the stream with INTERNAL_ERROR ('reset');
 * or answer with an error status of its own after the message ('internal').
 */
type Behaviour = 'cut' | 'reset' | 'internal' | 'ok';

async function startServer(script: Behaviour[]) {
  const calls: { path: string; attempt: number }[] = [];
  const streamErrors: Error[] = [];
  const server = http2.createServer();
  // The raw socket of each session (session.socket is a proxy that may not be destroyed).
  // Node makes the session in its own 'connection' listener, which runs before this one.
  const sockets = new WeakMap<http2.Http2Session, Socket>();
  let lastSession: http2.Http2Session | undefined;
  server.on('session', (session) => (lastSession = session));
  server.on('connection', (socket: Socket) => sockets.set(lastSession!, socket));
  server.on('stream', (stream, headers) => {
    const behaviour = script.shift() ?? 'ok';
    calls.push({ path: String(headers[':path']), attempt: calls.length + 1 });
    const attempt = calls.length;
    // Closing a stream with an error code (the 'reset' behaviour) emits that error on our own
    // stream, and a destroyed socket may too: both are what the server meant to do.
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (behaviour === 'ok' || behaviour === 'internal') streamErrors.push(err);
    });
    stream.resume();
    stream.on('end', () => {
      const body = Buffer.from(StatObjectResponse.encode({ info: { bucket: 'b', key: `from-attempt-${attempt}`, size: 1, etag: 'e', contentType: 'x', updatedAt: undefined } as never, visibility: 0 }).finish());
      const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), body]);
      frame.writeUInt32BE(body.length, 1);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', attempt: String(attempt) }, { waitForTrailers: true });
      if (behaviour === 'cut') {
        stream.write(frame, () => sockets.get(stream.session!)?.resetAndDestroy());
        return;
      }
      if (behaviour === 'reset') {
        stream.write(frame, () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
        return;
      }
      stream.on('wantTrailers', () => stream.sendTrailers(behaviour === 'internal' ? { 'grpc-status': '13', 'grpc-message': 'boom' } : { 'grpc-status': '0' }));
      stream.end(frame);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  stops.push(() => expect(streamErrors).toEqual([]));
  return { port: (server.address() as AddressInfo).port, calls };
}

/** The mesh's retry policy as grpc-js gets it from xDS: UNAVAILABLE, several attempts. */
const RETRY_POLICY = JSON.stringify({
  methodConfig: [{ name: [{ service: 'mediamesh.storage.v1.StorageService' }], retryPolicy: { maxAttempts: 4, initialBackoff: '0.01s', maxBackoff: '0.1s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] } }],
});

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function client(port: number, providers: grpc.InterceptorProvider[]): StorageServiceClient {
  const c = new StorageServiceClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.service_config': RETRY_POLICY, interceptor_providers: providers });
  stops.push(() => c.close());
  return c;
}

function stat(c: StorageServiceClient, deadlineMs = 5000) {
  return new Promise<{ key?: string; attemptHeader?: unknown; code?: number; details?: string }>((resolve) => {
    let attemptHeader: unknown;
    const call = c.statObject({ bucket: 'b', key: 'k' }, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) =>
      resolve(err ? { code: err.code, details: err.details } : { key: res!.info!.key, attemptHeader }),
    );
    call.on('metadata', (md) => (attemptHeader = md.get('attempt')[0]));
  });
}

describe('retryCutResponseProvider', () => {
  it('repeats an idempotent call whose response was cut after its headers; the retry policy alone does not', async () => {
    const plain = await startServer(['cut', 'ok']);
    const without = await stat(client(plain.port, []));
    expect(without.code).toBe(grpc.status.UNAVAILABLE);
    expect(plain.calls).toHaveLength(1);

    const server = await startServer(['cut', 'ok']);
    expect(await stat(client(server.port, [retryCutResponseProvider()]))).toEqual({ key: 'from-attempt-2', attemptHeader: '2' });
    expect(server.calls.map((c) => c.path)).toEqual(['/mediamesh.storage.v1.StorageService/StatObject', '/mediamesh.storage.v1.StorageService/StatObject']);
  });

  it('repeats a call a proxy reset after its headers (Envoy: RST_STREAM INTERNAL_ERROR), not a server error status', async () => {
    const reset = await startServer(['reset', 'ok']);
    expect(await stat(client(reset.port, [retryCutResponseProvider()]))).toEqual({ key: 'from-attempt-2', attemptHeader: '2' });
    const internal = await startServer(['internal', 'ok']);
    expect(await stat(client(internal.port, [retryCutResponseProvider()]))).toEqual({ code: grpc.status.INTERNAL, details: 'boom' });
    expect(internal.calls).toHaveLength(1);
  });

  it('stops after its attempts, and within the deadline', async () => {
    const server = await startServer(['cut', 'cut', 'cut', 'cut']);
    expect((await stat(client(server.port, [retryCutResponseProvider(3)]))).code).toBe(grpc.status.UNAVAILABLE);
    expect(server.calls).toHaveLength(3);

    // The first backoff fits in the 10 s deadline; the second (a minute) does not, so the call
    // ends with the cut's own status after two attempts instead of waiting for its deadline.
    // (Backoffs far from the deadline: a loaded machine cannot reach it first and end the call
    // DEADLINE_EXCEEDED, which an 80 ms deadline against 25 + 100 ms backoffs did ~1 run in 3.)
    const short = await startServer(['cut', 'cut', 'cut', 'cut']);
    expect((await stat(client(short.port, [retryCutResponseProvider(3, [25, 60_000])]), 10_000)).code).toBe(grpc.status.UNAVAILABLE);
    expect(short.calls).toHaveLength(2);
  });

  it('is on every mesh client, and only for the methods it covers', async () => {
    const server = await startServer(['cut', 'ok']);
    const c = createMeshClient(StorageServiceClient, 'storage', { mode: 'direct', env: { MEDIAMESH_DIRECT_STORAGE: `127.0.0.1:${server.port}` } });
    stops.push(() => c.close());
    expect((await stat(c)).key).toBe('from-attempt-2');
    const provide = retryCutResponseProvider();
    const { statObject, getObject, deleteObject, putObject } = StorageServiceService;
    expect([statObject, getObject, deleteObject, putObject].map((m) => typeof provide(m))).toEqual(['function', 'undefined', 'undefined', 'undefined']);
  });

  it('never repeats a write', async () => {
    const server = await startServer(['cut', 'ok']);
    const c = client(server.port, [retryCutResponseProvider()]);
    const err = await new Promise<grpc.ServiceError | null>((resolve) => c.deleteObject({ bucket: 'b', key: 'k' }, (e) => resolve(e)));
    expect(err?.code).toBe(grpc.status.UNAVAILABLE);
    expect(server.calls).toHaveLength(1);
  });

  it('repeats a SubmitJob that carries an idempotency key, never one without', async () => {
    const submit = async (idempotencyKey: string | undefined) => {
      const server = await startServer(['cut', 'ok']);
      const c = new VideoServiceClient(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure(), { interceptor_providers: [retryCutResponseProvider()] });
      stops.push(() => c.close());
      const spec = { source: { bucket: 'b', key: 'k' }, work: undefined, output: undefined, notifyUrl: '', fop: 'hls' };
      const err = await new Promise<grpc.ServiceError | null>((resolve) => c.submitJob({ spec, idempotencyKey }, (e) => resolve(e)));
      return { code: err?.code ?? grpc.status.OK, calls: server.calls.length };
    };
    expect(await submit('key-1')).toEqual({ code: grpc.status.OK, calls: 2 });
    expect(await submit(undefined)).toEqual({ code: grpc.status.UNAVAILABLE, calls: 1 });
    expect(await submit('')).toEqual({ code: grpc.status.UNAVAILABLE, calls: 1 });
  });

  it('a cancelled call ends CANCELLED and is not started again', async () => {
    // A backoff of a minute: the cancel lands while the interceptor waits to start attempt 2,
    // however late a loaded machine runs the timers (a 25 ms backoff could let attempt 2 start first).
    const server = await startServer(['cut', 'ok']);
    const c = client(server.port, [retryCutResponseProvider(2, [60_000])]);
    const result = new Promise<number | undefined>((resolve) => {
      const call = c.statObject({ bucket: 'b', key: 'k' }, (err) => resolve(err?.code));
      call.on('metadata', () => {});
      const poll = setInterval(() => {
        if (server.calls.length === 0) return;
        clearInterval(poll);
        setTimeout(() => call.cancel(), 100);
      }, 1);
    });
    expect(await result).toBe(grpc.status.CANCELLED);
    await new Promise((r) => setTimeout(r, 150));
    expect(server.calls).toHaveLength(1);
  });
});
