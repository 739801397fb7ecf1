/**
 * traceLogContext is the runtime's log context provider: every JSON log line written while a span
 * is active carries its trace_id and span_id, so a log line leads to its trace in Jaeger.
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';

/** traceLogContext returns {trace_id, span_id} of the active span, or undefined outside any span. */
export function traceLogContext(): Record<string, string> | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return undefined;
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}
