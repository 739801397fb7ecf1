/**
 * LeanSpan: a recording span of the @opentelemetry/api `Span` interface that keeps only what the
 * OTLP export needs (otlp-encode.ts) and hands itself to its sink when it ends. It follows the
 * SDK's rules: attributes and events are capped (the excess is counted as dropped), string values
 * are cut at the value length limit, nothing changes after end(), an OK status is final, an
 * exception is an `exception` event.
 */
import {
  SpanStatusCode,
  type Attributes,
  type AttributeValue,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { nowMs, toMs } from './time';

/** SpanLimits are the OTEL_SPAN_* / OTEL_ATTRIBUTE_* limits. */
export interface SpanLimits {
  readonly attributeCountLimit: number;
  /** Longer string values (and strings in arrays) are cut to this many characters. */
  readonly attributeValueLengthLimit: number;
  readonly eventCountLimit: number;
  readonly linkCountLimit: number;
}

/** InstrumentationScope names the tracer that made a span (`otel.scope.name` in Jaeger). */
export interface InstrumentationScope {
  readonly name: string;
  readonly version?: string;
}

export interface SpanEvent {
  readonly name: string;
  readonly timeMs: number;
  readonly attributes: Attributes;
  readonly droppedAttributes: number;
}

/** SpanSink receives every span once, when it ends. */
export interface SpanSink {
  onEnd(span: LeanSpan): void;
}

/** validValue: the attribute values OTLP carries (a primitive, or an array of one primitive type and nulls). */
function validValue(v: unknown): v is AttributeValue {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'number':
      return true;
    case 'object': {
      if (!Array.isArray(v)) return false;
      let kind: string | undefined;
      for (const x of v) {
        if (x === null || x === undefined) continue;
        const t = typeof x;
        if (t !== 'string' && t !== 'number' && t !== 'boolean') return false;
        if (kind && t !== kind) return false;
        kind = t;
      }
      return true;
    }
    default:
      return false;
  }
}

export class LeanSpan implements Span {
  readonly attributes: Attributes = {};
  droppedAttributes = 0;
  events: SpanEvent[] | undefined;
  droppedEvents = 0;
  links: Link[] | undefined;
  droppedLinks = 0;
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  endMs = 0;
  private attributeCount = 0;
  private ended = false;

  constructor(
    private readonly sink: SpanSink,
    private readonly limits: SpanLimits,
    readonly scope: InstrumentationScope,
    private readonly context: SpanContext,
    public name: string,
    readonly kind: SpanKind,
    /** The parent's context when it has a valid one (the span is a root otherwise). */
    readonly parent: SpanContext | undefined,
    readonly startMs: number,
  ) {}

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (this.ended || !key || value === undefined || value === null || !validValue(value)) return this;
    if (!(key in this.attributes)) {
      if (this.attributeCount >= this.limits.attributeCountLimit) {
        this.droppedAttributes++;
        return this;
      }
      this.attributeCount++;
    }
    this.attributes[key] = this.truncate(value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    if ((this.events?.length ?? 0) >= this.limits.eventCountLimit) {
      this.droppedEvents++;
      return this;
    }
    let attrs: Attributes | undefined;
    if (attributesOrTime instanceof Date || typeof attributesOrTime === 'number' || Array.isArray(attributesOrTime)) time = attributesOrTime as TimeInput;
    else attrs = attributesOrTime;
    const attributes: Attributes = {};
    let count = 0;
    let dropped = 0;
    for (const key in attrs) {
      const v = attrs[key];
      if (v === undefined || v === null || !validValue(v)) continue;
      if (count >= this.limits.attributeCountLimit) dropped++;
      else {
        attributes[key] = this.truncate(v);
        count++;
      }
    }
    (this.events ??= []).push({ name, timeMs: toMs(time), attributes, droppedAttributes: dropped });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended) return this;
    if ((this.links?.length ?? 0) >= this.limits.linkCountLimit) this.droppedLinks++;
    else (this.links ??= []).push(link);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.ended || this.status.code === SpanStatusCode.OK || status.code === SpanStatusCode.UNSET) return this;
    this.status = status.code === SpanStatusCode.ERROR ? { code: status.code, message: status.message } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    this.endMs = Math.max(this.startMs, endTime === undefined ? nowMs() : toMs(endTime));
    this.sink.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attrs: Attributes = {};
    if (typeof exception === 'string') attrs['exception.message'] = exception;
    else {
      const type = exception.code ? String(exception.code) : exception.name;
      if (type) attrs['exception.type'] = type;
      if (exception.message) attrs['exception.message'] = exception.message;
      if (exception.stack) attrs['exception.stacktrace'] = exception.stack;
    }
    this.addEvent('exception', attrs, time);
  }

  private truncate(v: AttributeValue): AttributeValue {
    const limit = this.limits.attributeValueLengthLimit;
    if (typeof v === 'string') return v.length > limit ? v.slice(0, limit) : v;
    if (Array.isArray(v) && limit !== Infinity) return v.map((x) => (typeof x === 'string' && x.length > limit ? x.slice(0, limit) : x)) as AttributeValue;
    return v;
  }
}
