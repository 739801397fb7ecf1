/**
 * observability: OpenTelemetry start-up, span helpers, metrics, trace ids in logs.
 * Entries import './start' (side effect) first; everything else imports from here.
 */
export { spanHelpers, withSpan, setSpanAttributes, setActiveSpanAttributes, recordSpanError } from './spans';
export type { SpanAttributes, SpanHelpers } from './spans';
export { captureTraceContext, withStoredParent } from './trace-context';
export { setHttpRoute } from './http-route';
export { PROMETHEUS_CONTENT_TYPE } from './metrics/prometheus-endpoint';
export { telemetrySpecs, loadTelemetryConfig } from './config';
export type { TelemetryConfig } from './config';
export { otelServiceName, SERVICE_NAME_PREFIX, serviceNameFromEntry } from './service-name';
export { fetchTrace, findSpans, parseOtlpTraces, waitForTrace } from './jaeger-query';
export type { JaegerSpan, JaegerTrace, SpanKindName, WaitForTraceOptions } from './jaeger-query';

// ---- internal: for the runtime, tests and benchmarks ----
export { startTelemetry, resourceAttributes } from './telemetry';
export type { Telemetry } from './telemetry';
export { traceLogContext } from './log-context';
