/**
 * serverCallInterceptor: the one grpc-js server interceptor of every service. It stamps
 * INSTANCE_HEADER on every response and runs the call observers that hooks contribute
 * (observability's rate/errors/duration metrics) when a call's metadata arrives and when it ends.
 * (Server spans come from the gRPC instrumentation, which wraps the handlers themselves.)
 *
 * One layer for both, and one object per call (ObservedServerCall below): each grpc-js
 * ServerInterceptingCall layer costs every call its own objects, closures and listener hops.
 */
import * as grpc from '@grpc/grpc-js';
import type { ObservedCall, ServerCallObserver } from '../../core/call-observer';

export type { ObservedCall, ServerCallObserver } from '../../core/call-observer';

/** INSTANCE_HEADER is sent as response metadata by every call of every service. */
export const INSTANCE_HEADER = 'mediamesh-instance';

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
    this.listener!.onReceiveMetadata(metadata);
  }

  onReceiveMessage(message: unknown): void {
    if (this.cancelled) return;
    this.listener!.onReceiveMessage(message);
  }

  onReceiveHalfClose(): void {
    if (this.cancelled) return;
    this.listener!.onReceiveHalfClose();
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
