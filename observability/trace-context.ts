/**
 * Trace context across time: work submitted in one call and run later (maybe by another
 * process, e.g. a video job taken over after a crash) keeps the submitter's trace. The
 * submitting side stores captureTraceContext() with the work; the worker runs it under
 * withStoredParent(), which starts a span whose parent is the stored context and which
 * also links to it (a link survives even where a backend drops late children).
 */
import { context, propagation, trace, type Span } from '@opentelemetry/api';
import { cleanAttributes, endAfter, type SpanAttributes } from './spans';

/** captureTraceContext returns the active trace as W3C carrier fields ({} when tracing is off). */
export function captureTraceContext(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** withStoredParent runs fn in a new span parented on (and linked to) a stored carrier; fn's awaits keep it active. */
export function withStoredParent<T>(tracerName: string, name: string, carrier: Record<string, string> | undefined, attrs: SpanAttributes, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = propagation.extract(context.active(), carrier ?? {});
  const parentSpan = trace.getSpanContext(parent);
  const tracer = trace.getTracer(`mediamesh/${tracerName}`);
  return tracer.startActiveSpan(
    name,
    { attributes: cleanAttributes(attrs), links: parentSpan ? [{ context: parentSpan, attributes: { 'link.kind': 'submitted-by' } }] : [] },
    parent,
    (span) => endAfter(span, fn),
  );
}
