/**
 * Span helpers for the media work itself (decode, resize, encode; probe, seek, encode). Each module
 * takes its own tracer, so Jaeger shows which code made a span (`otel.scope.name` mediamesh/image):
 *
 *   const { withSpan } = spanHelpers('image');
 *   const out = await withSpan('image.resize', { 'image.width': w }, (span) => img.resize(w, h).toBuffer(), signal);
 *
 * The last argument is the request handle (request-trace.ts) whose span is the parent; without it
 * the parent is the context active at the call. fn's synchronous part runs with the new span
 * active; after an await, use the span fn receives (the active context does not follow awaits).
 * With tracing off the API hands out non-recording spans: the cost is a function call.
 */
import { SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { traceOf } from './request-trace';

/** SpanAttributes accepts undefined values and drops them, so callers can pass optional fields as they are. */
export type SpanAttributes = Record<string, string | number | boolean | readonly string[] | readonly number[] | undefined>;

/** SpanHelpers are bound to one module's tracer. */
export interface SpanHelpers {
  readonly tracer: Tracer;
  /** withSpan runs fn in a new child span of `within`'s trace; a throw marks the span ERROR and is re-thrown. */
  withSpan<T>(name: string, attrs: SpanAttributes, fn: (span: Span) => Promise<T> | T, within?: object): Promise<T>;
  /** withSpanSync is withSpan for synchronous work (parsing, planning). */
  withSpanSync<T>(name: string, attrs: SpanAttributes, fn: (span: Span) => T): T;
}

/** cleanAttributes drops undefined values. */
export function cleanAttributes(attrs: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const k in attrs) {
    const v = attrs[k];
    if (v !== undefined) out[k] = v as Attributes[string];
  }
  return out;
}

/** recordSpanError marks a span failed with the error's message (gRPC code too when it has one). */
export function recordSpanError(span: Span, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException(e);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number') span.setAttribute('rpc.grpc.status_code', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (err as { publicMessage?: string }).publicMessage ?? e.message });
}

/** endAfter awaits fn, marks the span ERROR when it throws (re-thrown), and always ends it. */
export async function endAfter<T>(span: Span, fn: (span: Span) => Promise<T> | T): Promise<T> {
  try {
    return await fn(span);
  } catch (err) {
    recordSpanError(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** spanHelpers makes the helpers of one module; the tracer is named mediamesh/<module>. */
export function spanHelpers(module: string): SpanHelpers {
  const tracer = trace.getTracer(`mediamesh/${module}`);
  return {
    tracer,
    withSpan: (name, attrs, fn, within) =>
      tracer.startActiveSpan(name, { attributes: cleanAttributes(attrs) }, traceOf(within), (span) => endAfter(span, fn)),
    withSpanSync: (name, attrs, fn) =>
      tracer.startActiveSpan(name, { attributes: cleanAttributes(attrs) }, (span) => {
        try {
          return fn(span);
        } catch (err) {
          recordSpanError(span, err);
          throw err;
        } finally {
          span.end();
        }
      }),
  };
}

const shared = spanHelpers('media');

/** withSpan runs fn in a child span of tracer mediamesh/media (use spanHelpers(module) for your own). */
export const withSpan = shared.withSpan;

/**
 * contextWithSpan is parent with span active, or parent itself when span already is its span (a
 * child of an unsampled parent is that parent's span: tracer/lean-tracer.ts parentBased).
 */
export function contextWithSpan(parent: Context, span: Span): Context {
  return trace.getSpan(parent) === span ? parent : trace.setSpan(parent, span);
}

/** setSpanAttributes adds attributes to a span (e.g. a step's output bytes once encoded); a no-op for undefined. */
export function setSpanAttributes(span: Span | undefined, attrs: SpanAttributes): void {
  span?.setAttributes(cleanAttributes(attrs));
}

/** setRequestAttributes adds attributes to the span of a request's trace (request-trace.ts). */
export function setRequestAttributes(within: object, attrs: SpanAttributes): void {
  setSpanAttributes(trace.getSpan(traceOf(within)), attrs);
}
