/**
 * serverCallInterceptor: the one grpc-js server interceptor of every service. It stamps
 * INSTANCE_HEADER on every response and runs the call observers that hooks contribute
 * (observability's server spans and rate/errors/duration metrics) at the points of a call they
 * need: when its metadata arrives, around the delivery of its message and half-close (where
 * grpc-js runs the handler), and when it ends.
 *
 * One layer for all of them: each grpc-js ServerInterceptingCall layer costs every call its own
 * objects, closures and listener hops (bench/tracing-overhead.ts counts them per request).
 */
import * as grpc from '@grpc/grpc-js';

/** INSTANCE_HEADER is sent as response metadata by every call of every service. */
export const INSTANCE_HEADER = 'mediamesh-instance';

/** ObservedCall is what an observer keeps for one call. */
export interface ObservedCall {
  /** run wraps the delivery of the request message and half-close (e.g. to make a span active there). */
  run?<T>(deliver: () => T): T;
  /** end runs once per call: with the status sent, or CANCELLED when the caller cancelled. */
  end(code: grpc.status, details: string): void;
}

/** ServerCallObserver watches every call a service serves. */
export interface ServerCallObserver {
  /** onCall runs when a call's metadata arrives; return undefined to leave the call alone. */
  onCall(path: string, metadata: grpc.Metadata): ObservedCall | undefined;
}

type Wrap = <T>(deliver: () => T) => T;

/** wrapAll nests the observers' run() around a delivery (the first observer's outermost). */
function wrapAll(calls: readonly ObservedCall[]): Wrap | undefined {
  const runners = calls.filter((c) => c.run);
  if (runners.length === 0) return undefined;
  if (runners.length === 1) return (deliver) => runners[0]!.run!(deliver);
  return <T>(deliver: () => T): T => runners.reduceRight<() => T>((inner, c) => () => c.run!(inner), deliver)();
}

/** serverCallInterceptor makes the interceptor of a service instance. */
export function serverCallInterceptor(instanceId: string, observers: readonly ServerCallObserver[]): grpc.ServerInterceptor {
  const stamp = (metadata: grpc.Metadata, next: (metadata: grpc.Metadata) => void) => {
    metadata.set(INSTANCE_HEADER, instanceId);
    next(metadata);
  };
  if (observers.length === 0) return (_method, call) => new grpc.ServerInterceptingCall(call, { sendMetadata: stamp });
  return (method, call) => {
    let calls: ObservedCall[] = [];
    let wrap: Wrap | undefined;
    const end = (code: grpc.status, details: string) => {
      const ending = calls;
      calls = [];
      for (const c of ending) c.end(code, details);
    };
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            for (const o of observers) {
              const c = o.onCall(method.path, metadata);
              if (c) calls.push(c);
            }
            wrap = wrapAll(calls);
            nextMetadata(metadata);
          },
          onReceiveMessage: (message, nextMessage) => (wrap ? wrap(() => nextMessage(message)) : nextMessage(message)),
          onReceiveHalfClose: (nextHalfClose) => (wrap ? wrap(nextHalfClose) : nextHalfClose()),
          onCancel: () => end(grpc.status.CANCELLED, 'cancelled by the caller'),
        }),
      sendMetadata: stamp,
      sendStatus: (status, next) => {
        end(status.code, status.details);
        next(status);
      },
    });
  };
}
