/**
 * LeanTracerProvider: our TracerProvider for the @opentelemetry/api, in place of the SDK's
 * (README § Reading traces). The SDK's span pipeline (Tracer → SpanImpl → MultiSpanProcessor →
 * BatchSpanProcessor → the OTLP transformer's intermediate objects → protobuf) cost the traced chain
 * ~1.2 ms of CPU per request in bench/tracing-overhead.ts, this one ~0.7 ms. It makes a LeanSpan, samples with the spec samplers (sampler.ts), and hands ended sampled spans to the
 * batch exporter (span-exporter.ts), which writes OTLP protobuf straight from them. Spans that are
 * not recorded are the API's non-recording spans, which only carry the context on.
 */
import {
  context as contextApi,
  isSpanContextValid,
  SamplingDecision,
  SpanKind,
  trace,
  TraceFlags,
  type Context,
  type Sampler,
  type SamplingResult,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { newSpanId, newTraceId } from './ids';
import { LeanSpan, type InstrumentationScope, type SpanLimits, type SpanSink } from './lean-span';
import { toMs } from './time';

export interface LeanTracerOptions {
  readonly sampler: Sampler;
  readonly limits: SpanLimits;
  /** Receives every recording span when it ends (the exporter drops the unsampled ones). */
  readonly sink: SpanSink;
  /**
   * The sampler is ParentBased with the default delegates (every parentbased_* OTEL_TRACES_SAMPLER):
   * a span with a valid parent, local or remote, then follows the parent's sampled flag without
   * asking the sampler (which would check the parent's ids with regular expressions again). A child
   * of an unsampled parent is the parent's own non-recording span: no id, no object, no sampler call,
   * so an unsampled request costs little more than carrying its traceparent on.
   */
  readonly parentBased?: boolean;
}

const FOLLOW_PARENT: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED };

class LeanTracer implements Tracer {
  constructor(
    private readonly options: LeanTracerOptions,
    private readonly scope: InstrumentationScope,
  ) {}

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = contextApi.active()): Span {
    if (options.root) ctx = trace.deleteSpan(ctx);
    const parentSpan = trace.getSpan(ctx);
    const parentContext = parentSpan?.spanContext();
    // Our own spans' ids are valid by construction; a context from outside (a traceparent) is checked.
    const parent = parentContext && (parentSpan instanceof LeanSpan || isSpanContextValid(parentContext)) ? parentContext : undefined;
    const followParent = parent && this.options.parentBased;
    if (followParent && !(parent.traceFlags & TraceFlags.SAMPLED)) return parentSpan!;
    const traceId = parent ? parent.traceId : newTraceId();
    const spanId = newSpanId();
    const kind = options.kind ?? SpanKind.INTERNAL;
    const attributes = options.attributes ?? {};
    const links = options.links ?? [];
    const result = followParent ? FOLLOW_PARENT : this.options.sampler.shouldSample(ctx, traceId, name, kind, attributes, links);
    const spanContext: SpanContext = {
      traceId,
      spanId,
      traceFlags: result.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState: result.traceState ?? parent?.traceState,
    };
    if (result.decision === SamplingDecision.NOT_RECORD) return trace.wrapSpanContext(spanContext);
    const span = new LeanSpan(this.options.sink, this.options.limits, this.scope, spanContext, name, kind, parent, toMs(options.startTime));
    span.setAttributes(attributes);
    if (result.attributes) span.setAttributes(result.attributes);
    if (links.length) span.addLinks(links);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, a?: SpanOptions | F, b?: Context | F, c?: F): ReturnType<F> {
    const fn = (c ?? (typeof b === 'function' ? b : a)) as F;
    const options = typeof a === 'object' ? a : {};
    const parent = typeof b === 'object' ? b : contextApi.active();
    const span = this.startSpan(name, options, parent);
    return contextApi.with(trace.setSpan(parent, span), () => fn(span) as ReturnType<F>);
  }
}

export class LeanTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, LeanTracer>();

  constructor(private readonly options: LeanTracerOptions) {}

  getTracer(name: string, version?: string): Tracer {
    const key = `${name}@${version ?? ''}`;
    let tracer = this.tracers.get(key);
    if (!tracer) this.tracers.set(key, (tracer = new LeanTracer(this.options, { name, version })));
    return tracer;
  }
}
