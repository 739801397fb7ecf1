/**
 * A request's trace context, kept with the request's own handle: its AbortSignal in the gRPC
 * services (every handler already threads it to each step and outbound call), its
 * http.IncomingMessage in the gateway. With SyncContextManager the active context ends at the
 * first await, so the code that continues a request later names the request it works for:
 *
 *   bindTrace(signal);                                    // in the handler's synchronous part
 *   ...await...
 *   inTrace(signal, () => client.getObject(req));         // the client span's parent is the request's span
 *   withSpan('image.encode', attrs, fn, signal);          // so is this child span's
 *
 * The context rides on the handle under a private symbol: a property store and load, where a
 * WeakMap costs a hash insert per request plus ephemeron work in every garbage collection.
 * With tracing off nothing is bound and every helper is a property miss.
 */
import { context, isSpanContextValid, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';

const TRACE = Symbol('mediamesh.trace');
type Handle = { [TRACE]?: Context };
const boundTo = (handle: object): Context | undefined => (handle as Handle)[TRACE];

/** bindTrace keeps ctx (by default the active context) as the trace of a request handle. */
export function bindTrace(handle: object, ctx: Context = context.active()): void {
  if (ctx !== ROOT_CONTEXT) (handle as Handle)[TRACE] = ctx;
}

/** traceOf is the trace bound to a handle, else the active context. */
export function traceOf(handle: object | undefined): Context {
  return (handle && boundTo(handle)) || context.active();
}

/** inTrace runs fn (synchronously) with the handle's trace active: calls and spans made in fn join it. */
export function inTrace<T>(handle: object | undefined, fn: () => T): T {
  const ctx = handle && boundTo(handle);
  return ctx ? context.with(ctx, fn) : fn();
}

/** traceLogFields are {trace_id, span_id} of the handle's span, for a log line written after an await. */
export function traceLogFields(handle: object | undefined): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(traceOf(handle));
  const sc = span?.spanContext();
  return sc && isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
}
