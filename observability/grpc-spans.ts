/**
 * gRPC client and server spans, without @opentelemetry/instrumentation-grpc (which wraps every
 * grpc-js client and server method and needs AsyncLocalStorage to find parents). Names, kinds and
 * attributes follow the OpenTelemetry RPC conventions as that package used them:
 * `grpc.<package.Service>/<Method>`, `rpc.system`, `rpc.service`, `rpc.method`,
 * `rpc.grpc.status_code`; a non-OK status is ERROR with the status details as message.
 *
 *  - Client: a grpc-js interceptor on every mesh client (mesh/client adds it when tracing is on).
 *    The parent is the context active when the call is made; the W3C `traceparent` goes out in
 *    the call's metadata.
 *  - Server: an observer of the runtime's one server interceptor (services/runtime/
 *    server-call-interceptor.ts, through the telemetry hooks). It continues the caller's trace from
 *    the metadata and runs the handler's synchronous part inside the server span, so a handler that
 *    calls bindTrace(signal) there carries the span to everything it does later.
 */
import * as grpc from '@grpc/grpc-js';
import type { ObservedCall, ServerCallObserver } from '../core/call-observer';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { contextWithSpan } from './spans';

const tracer = trace.getTracer('mediamesh/grpc');

const metadataSetter: TextMapSetter<grpc.Metadata> = { set: (md, key, value) => md.set(key, value) };
const metadataGetter: TextMapGetter<grpc.Metadata> = {
  keys: (md) => Object.keys(md.getMap()),
  get: (md, key) => {
    const values = md.get(key);
    return values.length ? String(values[0]) : undefined;
  },
};

interface MethodSpan {
  readonly name: string;
  readonly attributes: Attributes;
}
const methods = new Map<string, MethodSpan>();

/** describePath names the span and method of a path "/pkg.Service/Method" (once per method: the SDK copies the attributes). */
function describePath(path: string): MethodSpan {
  let m = methods.get(path);
  if (!m) {
    const slash = path.lastIndexOf('/');
    m = { name: `grpc.${path.slice(1)}`, attributes: { 'rpc.system': 'grpc', 'rpc.service': path.slice(1, slash), 'rpc.method': path.slice(slash + 1) } };
    // Bounded: a server only sees the methods it serves (unknown ones never reach an interceptor), a client the ones it calls.
    if (methods.size < 1000) methods.set(path, m);
  }
  return m;
}

/** endWithStatus records the call's status on its span and ends it (callers make sure it runs once per span). */
function endWithStatus(span: Span, code: grpc.status, details: string): void {
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== grpc.status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: details || grpc.status[code] });
  span.end();
}

type ClientCall = ReturnType<grpc.NextCall>;
type ClientListener = grpc.InterceptingListener;

/**
 * TracedClientCall is the tracing layer of one client call: the call the layer above sees and the
 * listener of the call below, one object with prototype methods (grpc-js's InterceptingCall costs
 * a requester, a listener wrapper, three bound functions and closures per layer). It sends the
 * span's context along and ends the span with the call's status.
 */
class TracedClientCall implements ClientCall, ClientListener {
  private listener: Partial<ClientListener> = {};
  private ended = false;

  constructor(
    private readonly next: ClientCall,
    private readonly span: Span,
    private readonly ctx: Context,
  ) {}

  start(metadata: grpc.Metadata, listener?: Partial<ClientListener>): void {
    propagation.inject(this.ctx, metadata, metadataSetter);
    this.listener = listener ?? {};
    this.next.start(metadata, this);
  }

  onReceiveMetadata(metadata: grpc.Metadata): void {
    this.listener.onReceiveMetadata?.(metadata);
  }

  onReceiveMessage(message: unknown): void {
    this.listener.onReceiveMessage?.(message);
  }

  onReceiveStatus(status: grpc.StatusObject): void {
    if (!this.ended && this.span.isRecording()) {
      this.ended = true;
      endWithStatus(this.span, status.code, status.details);
    }
    this.listener.onReceiveStatus?.(status);
  }

  sendMessageWithContext(context: Parameters<ClientCall['sendMessageWithContext']>[0], message: unknown): void {
    this.next.sendMessageWithContext(context, message);
  }
  sendMessage(message: unknown): void {
    this.next.sendMessage(message);
  }
  startRead(): void {
    this.next.startRead();
  }
  halfClose(): void {
    this.next.halfClose();
  }
  cancelWithStatus(code: grpc.status, details: string): void {
    this.next.cancelWithStatus(code, details);
  }
  getPeer(): string {
    return this.next.getPeer();
  }
  getAuthContext(): ReturnType<ClientCall['getAuthContext']> {
    return this.next.getAuthContext();
  }
}

/**
 * tracingClientInterceptor makes the CLIENT span of each call and sends its context along; a call
 * that is not recorded (an unsampled trace) only sends the traceparent on.
 */
export const tracingClientInterceptor: grpc.Interceptor = (options, nextCall) => {
  const parent = context.active();
  const { name, attributes } = describePath(options.method_definition.path);
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
  // grpc-js's type names its own class as the result; its client uses only the interface (each
  // interceptor gets the next one's call: client-interceptors.js getInterceptingCall).
  return new TracedClientCall(nextCall(options), span, contextWithSpan(parent, span)) as unknown as grpc.InterceptingCall;
};

/** ServerSpanCall keeps a call's server span active around the handler and ends it with the call's status. */
class ServerSpanCall implements ObservedCall {
  constructor(
    private readonly span: Span,
    private readonly ctx: Context,
  ) {}

  run<T>(deliver: () => T): T {
    return context.with(this.ctx, deliver);
  }

  end(code: grpc.status, details: string): void {
    if (this.span.isRecording()) endWithStatus(this.span, code, details);
  }
}

/**
 * tracingCallObserver makes the SERVER span of each call, parented on the caller's traceparent. An
 * unrecorded call (an unsampled caller) only keeps the caller's context active for the handler.
 */
export const tracingCallObserver: ServerCallObserver = {
  onCall(path, metadata) {
    const parent = propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
    const { name, attributes } = describePath(path);
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    return new ServerSpanCall(span, contextWithSpan(parent, span));
  },
};
