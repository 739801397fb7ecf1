/**
 * Span helpers for the media work itself (decode, resize, encode; probe, ffmpeg). Each module
 * takes its own tracer, so Jaeger shows which code made a span (`otel.scope.name` mediamesh/image):
 *
 *   const { withSpan } = spanHelpers('image');
 *   const out = await withSpan('image.resize', { 'image.width': w }, (span) => img.resize(w, h).toBuffer());
 *
 * The parent is the active context, which follows the request through its awaits
 * (AsyncLocalStorage): the gRPC server span of the call being served, or an enclosing withSpan.
 * With tracing off the API hands out non-recording spans: the cost is a function call.
 */
import { SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';

/** SpanAttributes accepts undefined values and drops them, so callers can pass optional fields as they are. */
export type SpanAttributes = Record<string, string | number | boolean | readonly string[] | readonly number[] | undefined>;

/** SpanHelpers are bound to one module's tracer. */
export interface SpanHelpers {
  readonly tracer: Tracer;
  /** withSpan runs fn in a new child span of the active context; a throw marks the span ERROR and is re-thrown. */
  withSpan<T>(name: string, attrs: SpanAttributes, fn: (span: Span) => Promise<T> | T): Promise<T>;
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
    withSpan: (name, attrs, fn) => tracer.startActiveSpan(name, { attributes: cleanAttributes(attrs) }, (span) => endAfter(span, fn)),
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

/** setSpanAttributes adds attributes to a span (e.g. a step's output bytes once encoded); a no-op for undefined. */
export function setSpanAttributes(span: Span | undefined, attrs: SpanAttributes): void {
  span?.setAttributes(cleanAttributes(attrs));
}

/** setActiveSpanAttributes adds attributes to the active span (in a handler: the call's server span). */
export function setActiveSpanAttributes(attrs: SpanAttributes): void {
  setSpanAttributes(trace.getActiveSpan(), attrs);
}
