/**
 * BatchSpanExporter: the span sink of the lean tracer. A sampled span is encoded when it ends
 * (otlp-encode.ts OtlpBatch: the span object dies young) and its bytes wait in a bounded queue (full =
 * the newest are dropped and counted, like the SDK's BatchSpanProcessor). They leave in batches over
 * OTLP/HTTP protobuf (http1-post.ts: one kept-alive connection written by hand, not node:http,
 * whose client makes the rest of the process slower): every `scheduleDelayMs`, or at once when a
 * batch is full. One POST at a time; a failed one (network error, 429, 502, 503, 504) is retried twice with backoff within the
 * timeout, then its spans are dropped with a warning (at most one per 30 s). forceFlush sends
 * everything queued; shutdown flushes and stops.
 */
import { TraceFlags, type Attributes } from '@opentelemetry/api';
import type { Logger } from '../../core/log';
import { Http1Poster } from './http1-post';
import type { LeanSpan, SpanSink } from './lean-span';
import { OtlpBatch } from './otlp-encode';

export interface BatchExporterOptions {
  /** The full OTLP/HTTP traces URL (…/v1/traces). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly scheduleDelayMs: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  /** The process's resource attributes, sent with every batch. */
  readonly resource: Attributes;
  readonly log: Logger;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const RETRIES = 2;
const WARN_EVERY_MS = 30_000;

/** ExportError: a POST that failed, and whether trying again may help. */
class ExportError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Batch: an encoded export request waiting to be sent. */
interface Batch {
  readonly body: Buffer;
  readonly spans: number;
}

export class BatchSpanExporter implements SpanSink {
  /** Spans encoded since the last batch was sealed. */
  private readonly open = new OtlpBatch();
  /** Sealed batches, oldest first. */
  private sealed: Batch[] = [];
  /** Spans queued: in the open batch and in sealed batches not yet sent. */
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private stopped = false;
  /** Spans given up on since the last warning. */
  private dropped = 0;
  private lastWarnMs = 0;
  private readonly poster: Http1Poster;

  constructor(private readonly opts: BatchExporterOptions) {
    this.poster = new Http1Poster(opts.url, { headers: opts.headers, contentType: 'application/x-protobuf' });
  }

  onEnd(span: LeanSpan): void {
    if (this.stopped || !(span.spanContext().traceFlags & TraceFlags.SAMPLED)) return;
    if (this.queued >= this.opts.maxQueueSize) return this.lost(1, 'the span queue is full (OTEL_BSP_MAX_QUEUE_SIZE)');
    try {
      this.open.add(span);
    } catch (err) {
      return this.lost(1, `encoding failed: ${String(err)}`);
    }
    this.queued++;
    if (this.open.spans >= this.opts.maxExportBatchSize) void this.sendAll();
    else this.timer ??= setTimeout(() => void this.sendAll(), this.opts.scheduleDelayMs).unref();
  }

  /** forceFlush resolves when every span queued so far has been sent (or given up on). */
  async forceFlush(): Promise<void> {
    while (this.queued || this.sending) await (this.sending ?? this.sendAll());
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.stopped = true;
    clearTimeout(this.timer);
    this.poster.close();
  }

  /** sendAll seals the open batch and sends every sealed one in turn (a send already running takes them when done). */
  private sendAll(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.open.spans) {
      const spans = this.open.spans;
      this.sealed.push({ body: this.open.take(this.opts.resource), spans });
    }
    this.sending ??= (async () => {
      for (let batch = this.sealed.shift(); batch; batch = this.sealed.shift()) {
        await this.sendBatch(batch);
        this.queued -= batch.spans;
      }
    })().finally(() => (this.sending = undefined));
    return this.sending;
  }

  private async sendBatch({ body, spans }: Batch): Promise<void> {
    const deadline = Date.now() + this.opts.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.post(body, deadline - Date.now());
        return;
      } catch (err) {
        const e = err as ExportError;
        const backoffMs = 500 * 2 ** attempt;
        if (!e.retryable || attempt >= RETRIES || Date.now() + backoffMs >= deadline) return this.lost(spans, e.message);
        await new Promise((resolve) => setTimeout(resolve, backoffMs).unref());
      }
    }
  }

  private async post(body: Buffer, timeoutMs: number): Promise<void> {
    let code: number;
    try {
      code = await this.poster.post(body, timeoutMs);
    } catch (err) {
      throw new ExportError((err as Error).message, true);
    }
    if (code < 200 || code >= 300) throw new ExportError(`the collector answered HTTP ${code}`, RETRYABLE.has(code));
  }

  private lost(spans: number, reason: string): void {
    this.dropped += spans;
    const now = Date.now();
    if (now - this.lastWarnMs < WARN_EVERY_MS) return;
    this.lastWarnMs = now;
    this.opts.log.warn(`span export failed: ${reason}`, { event: 'span-export-failed', url: this.opts.url, dropped_spans: this.dropped });
    this.dropped = 0;
  }
}
