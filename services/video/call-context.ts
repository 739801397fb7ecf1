/**
 * Per-call plumbing shared by the handlers: an AbortSignal that fires when the caller
 * goes away (grpc 'cancelled', which also happens when the drain times out on shutdown),
 * and wrappers that turn any thrown value into a gRPC status with a public message.
 */
import type * as grpc from '@grpc/grpc-js';
import { MeshError, type Logger } from '../runtime';
import { cancelled } from './errors';

/**
 * callSignal aborts when the call is cancelled by the client or by the server's forced shutdown.
 */
export function callSignal(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>): AbortSignal {
  const ctl = new AbortController();
  call.once('cancelled', () => ctl.abort(cancelled('the caller cancelled the call')));
  return ctl.signal;
}

/** toStatus logs unexpected errors (with the call's trace_id/span_id: its server span is active) and returns what grpc-js sends. */
export function toStatus(log: Logger, method: string, err: unknown): Partial<grpc.ServiceError> {
  const e = MeshError.from(err);
  if (e.shouldReport) log.error(`${method} failed`, { method, code: e.code, err: e.message, cause: describeCause(e.cause) });
  else log.debug(`${method} refused`, { method, code: e.code, err: e.message });
  return e.toServiceError();
}

/** unary adapts an async function to a grpc-js unary handler. */
export function unary<Req, Res>(log: Logger, method: string, fn: (req: Req, signal: AbortSignal) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const signal = callSignal(call);
    // Through a promise even for synchronous throws (validation), so every error becomes a status.
    Promise.resolve()
      .then(() => fn(call.request, signal))
      .then(
        (res) => callback(null, res),
        (err) => callback(toStatus(log, method, err) as grpc.ServiceError),
      );
  };
}

/** streaming adapts an async function writing to a server stream; errors end the stream with a status. */
export function streaming<Req, Res>(
  log: Logger,
  method: string,
  fn: (req: Req, call: grpc.ServerWritableStream<Req, Res>, signal: AbortSignal) => Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    const signal = callSignal(call);
    Promise.resolve()
      .then(() => fn(call.request, call, signal))
      .then(
        () => call.end(),
        // grpc-js turns an 'error' event on a server stream into the call's status.
        (err) => call.emit('error', toStatus(log, method, err)),
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
