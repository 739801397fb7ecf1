/**
 * serverCallInterceptor: the one grpc-js server interceptor of every service. It stamps
 * INSTANCE_HEADER on every response and runs the call observers that hooks contribute
 * (observability's server spans and rate/errors/duration metrics) at the points of a call they
 * need: when its metadata arrives, around the delivery of its message and half-close (where
 * grpc-js runs the handler), and when it ends.
 *
 * One layer for all of them, and one object per call (ObservedServerCall below): each grpc-js
 * ServerInterceptingCall layer costs every call its own objects, closures and listener hops.
 */
import * as grpc from '@grpc/grpc-js';
import type { ObservedCall, ServerCallObserver } from '../../core/call-observer';

export type { ObservedCall, ServerCallObserver } from '../../core/call-observer';

/** INSTANCE_HEADER is sent as response metadata by every call of every service. */
export const INSTANCE_HEADER = 'mediamesh-instance';

type Wrap = <T>(deliver: () => T) => T;

/** wrapAll nests the observers' run() around a delivery (the first observer's outermost). */
function wrapAll(calls: readonly ObservedCall[]): Wrap | undefined {
  const runners = calls.filter((c) => c.run);
  if (runners.length === 0) return undefined;
  if (runners.length === 1) return (deliver) => runners[0]!.run!(deliver);
  return <T>(deliver: () => T): T => runners.reduceRight<() => T>((inner, c) => () => c.run!(inner), deliver)();
}

type Next = grpc.ServerInterceptingCallInterface;
type Listener = Parameters<Next['start']>[0];

/**
 * ObservedServerCall is the interceptor's layer of one call: it is both the call the next layer
 * up sees and the listener of the call below it, so a call costs one object with prototype
 * methods, where grpc-js's ServerInterceptingCall costs four objects and a closure per hop. It
 * can forward at once because nothing it does is asynchronous: no pending message or half-close
 * to hold back, as ServerInterceptingCall has to for interceptors that answer later.
 */
class ObservedServerCall implements Next, Listener {
  private listener: Listener | undefined;
  private calls: ObservedCall[] = [];
  private wrap: Wrap | undefined;
  private sentMetadata = false;
  private cancelled = false;

  constructor(
    private readonly next: Next,
    private readonly path: string,
    private readonly instanceId: string,
    private readonly observers: readonly ServerCallObserver[],
  ) {}

  // Inbound, from the call below.
  start(listener: Listener): void {
    this.listener = listener;
    this.next.start(this);
  }

  onReceiveMetadata(metadata: grpc.Metadata): void {
    if (this.cancelled) return;
    for (const o of this.observers) {
      const c = o.onCall(this.path, metadata);
      if (c) this.calls.push(c);
    }
    this.wrap = wrapAll(this.calls);
    this.listener!.onReceiveMetadata(metadata);
  }

  onReceiveMessage(message: unknown): void {
    if (this.cancelled) return;
    const listener = this.listener!;
    if (this.wrap) this.wrap(() => listener.onReceiveMessage(message));
    else listener.onReceiveMessage(message);
  }

  onReceiveHalfClose(): void {
    if (this.cancelled) return;
    const listener = this.listener!;
    if (this.wrap) this.wrap(() => listener.onReceiveHalfClose());
    else listener.onReceiveHalfClose();
  }

  onCancel(): void {
    this.cancelled = true;
    this.end(grpc.status.CANCELLED, 'cancelled by the caller');
    this.listener!.onCancel();
  }

  // Outbound, from the handler.
  sendMetadata(metadata: grpc.Metadata): void {
    this.sentMetadata = true;
    metadata.set(INSTANCE_HEADER, this.instanceId);
    this.next.sendMetadata(metadata);
  }

  sendMessage(message: unknown, callback: () => void): void {
    if (!this.sentMetadata) this.sendMetadata(new grpc.Metadata());
    this.next.sendMessage(message, callback);
  }

  sendStatus(status: Parameters<Next['sendStatus']>[0]): void {
    this.end(status.code, status.details ?? '');
    this.next.sendStatus(status);
  }

  startRead(): void {
    this.next.startRead();
  }
  getPeer(): string {
    return this.next.getPeer();
  }
  getDeadline(): grpc.Deadline {
    return this.next.getDeadline();
  }
  getHost(): string {
    return this.next.getHost();
  }
  getAuthContext(): ReturnType<Next['getAuthContext']> {
    return this.next.getAuthContext();
  }
  getConnectionInfo(): ReturnType<Next['getConnectionInfo']> {
    return this.next.getConnectionInfo();
  }
  getMetricsRecorder(): ReturnType<Next['getMetricsRecorder']> {
    return this.next.getMetricsRecorder();
  }

  /** end tells every observer once: the first of sendStatus and onCancel wins. */
  private end(code: grpc.status, details: string): void {
    const ending = this.calls;
    this.calls = [];
    for (const c of ending) c.end(code, details);
  }
}

/** serverCallInterceptor makes the interceptor of a service instance. */
export function serverCallInterceptor(instanceId: string, observers: readonly ServerCallObserver[]): grpc.ServerInterceptor {
  // grpc-js's type names its own class as the result; its server uses only the interface (it
  // chains interceptors by calling each with the call below: server-interceptors.js getServerInterceptingCall).
  return (method, call) => new ObservedServerCall(call, method.path, instanceId, observers) as unknown as grpc.ServerInterceptingCall;
}
