/**
 * The service host's handler adapters: the one way a service turns an async function into
 * a grpc-js handler. Each call gets an AbortSignal that fires when the caller goes away
 * (grpc 'cancelled', which also happens when the drain times out on shutdown); whatever the
 * function throws leaves as a gRPC status with a public message (MeshError.from), and only
 * unexpected failures (shouldReport) are logged as errors, with the call's trace ids (its
 * server span is still active when the status is made).
 */
import type * as grpc from '@grpc/grpc-js';
import { MeshError, Status } from '../../core/errors';
import type { Logger } from '../../core/log';

/** The part of any server call the signal needs. */
type CancellableCall = {
  once(event: 'cancelled', listener: () => void): unknown;
  removeListener(event: 'cancelled', listener: () => void): unknown;
};

/** CallSignal is a call's cancellation while its handler runs. */
export interface CallSignal {
  readonly signal: AbortSignal;
  /**
   * settle: the handler has answered. grpc-js emits 'cancelled' at the close of every call's
   * stream, answered or not, so without this each call would build an error (a stack capture) and
   * run the abort listeners of work long finished: about a fifth of a millisecond per call, measured.
   */
  settle(): void;
}

/** callSignal aborts when the call is cancelled by the client or by the server's forced shutdown, until settled. */
export function callSignal(call: CancellableCall): CallSignal {
  const ctl = new AbortController();
  const onCancel = () => ctl.abort(new MeshError(Status.CANCELLED, 'the caller cancelled the call'));
  call.once('cancelled', onCancel);
  return { signal: ctl.signal, settle: () => call.removeListener('cancelled', onCancel) };
}

/** toStatus logs unexpected errors and returns what grpc-js sends. */
export function toStatus(log: Logger, method: string, err: unknown, started = Date.now()): Partial<grpc.ServiceError> {
  const e = MeshError.from(err);
  const ms = Date.now() - started;
  if (e.shouldReport) log.error(`${method} failed`, { method, code: e.code, err: e.message, cause: describeCause(e.cause), stack: err instanceof Error ? err.stack : undefined, ms });
  else log.debug(`${method} refused`, { method, code: e.code, err: e.publicMessage, ms });
  return e.toServiceError();
}

/** respond runs `fn` for a call answered with one message (unary or client-streaming). */
function respond<Res>(log: Logger, method: string, call: CancellableCall, callback: grpc.sendUnaryData<Res>, fn: (signal: AbortSignal) => Promise<Res>): void {
  const started = Date.now();
  const { signal, settle } = callSignal(call);
  // Through a promise even for synchronous throws (validation), so every error becomes a status.
  Promise.resolve()
    .then(() => fn(signal))
    .then(
      (res) => {
        settle();
        callback(null, res);
      },
      (err) => {
        settle();
        callback(toStatus(log, method, err, started) as grpc.ServiceError);
      },
    );
}

/** unary adapts `fn(request, signal, call)` to a grpc-js unary handler. */
export function unary<Req, Res>(log: Logger, method: string, fn: (req: Req, signal: AbortSignal, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => respond(log, method, call, callback, (signal) => fn(call.request, signal, call));
}

/** clientStreaming adapts `fn(call, signal)` (which reads the request stream) to a grpc-js client-streaming handler. */
export function clientStreaming<Req, Res>(
  log: Logger,
  method: string,
  fn: (call: grpc.ServerReadableStream<Req, Res>, signal: AbortSignal) => Promise<Res>,
): grpc.handleClientStreamingCall<Req, Res> {
  return (call, callback) => respond(log, method, call, callback, (signal) => fn(call, signal));
}

/** streaming adapts an async function writing to a server stream; errors end the stream with a status. */
export function streaming<Req, Res>(
  log: Logger,
  method: string,
  fn: (req: Req, call: grpc.ServerWritableStream<Req, Res>, signal: AbortSignal) => Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    const started = Date.now();
    const { signal, settle } = callSignal(call);
    Promise.resolve()
      .then(() => fn(call.request, call, signal))
      .then(
        () => {
          settle();
          call.end();
        },
        (err) => {
          settle();
          // A caller that went away reads no status (and its cut stream is no failure to log).
          if (signal.aborted) return;
          // grpc-js turns an 'error' event on a server stream into the call's status.
          call.emit('error', toStatus(log, method, err, started));
        },
      );
  };
}

/** write sends one message and waits for the stream to drain when grpc-js asks for it. */
export function write<Res>(call: grpc.ServerWritableStream<unknown, Res>, msg: Res): Promise<void> | void {
  if (call.write(msg)) return;
  return new Promise((resolve) => call.once('drain', resolve));
}

function describeCause(cause: unknown): string | undefined {
  if (cause instanceof Error) return cause.message.slice(0, 500);
  return cause === undefined ? undefined : String(cause).slice(0, 500);
}
