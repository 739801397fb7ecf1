/**
 * Helpers for the observability suites: W3C traceparent values of our own, small gRPC calls, span
 * lookups. The traced gateway → image → storage chain lives in bench/tracing-chain.ts (compiled into
 * dist, so the tracing benchmark shares it).
 */
import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import type { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import type { JaegerSpan } from '../../observability/jaeger-query';

/** Caller is a client-side trace context we send in `traceparent`, as a browser or an SDK would. */
export interface Caller {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceparent: string;
}

/** newCaller makes a sampled W3C trace context. */
export function newCaller(): Caller {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

export { putObject, startChain, startTraced, telemetryEnv } from '../../bench/tracing-chain';
export type { Chain } from '../../bench/tracing-chain';

/** statObject calls StorageService.StatObject with the given metadata; resolves with the status code. */
export function statObject(client: StorageServiceClient, bucket: string, key: string, metadata = new grpc.Metadata()): Promise<number> {
  return new Promise((resolve) => client.statObject({ bucket, key }, metadata, (err) => resolve(err ? err.code : grpc.status.OK)));
}

/** withTraceparent makes gRPC metadata carrying the caller's context. */
export function withTraceparent(caller: Caller): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('traceparent', caller.traceparent);
  return md;
}

/** findSpan returns the one span matching, or throws listing what the trace holds. */
export function findSpan(spans: readonly JaegerSpan[], pred: (s: JaegerSpan) => boolean, what: string): JaegerSpan {
  const hits = spans.filter(pred);
  if (hits.length !== 1) throw new Error(`expected exactly one ${what}, found ${hits.length} in: ${describeSpans(spans)}`);
  return hits[0]!;
}

/** describeSpans renders a trace for failure messages: service kind name [status] id<-parent. */
export function describeSpans(spans: readonly JaegerSpan[]): string {
  return spans.map((s) => `\n  ${s.service} ${s.kind} ${s.name} [${s.status.code}] ${s.spanId}<-${s.parentSpanId || 'root'}`).join('');
}

/** ancestors lists the span ids above a span inside its trace, nearest first. */
export function ancestors(spans: readonly JaegerSpan[], span: JaegerSpan): string[] {
  const out: string[] = [];
  for (let p = spans.find((s) => s.spanId === span.parentSpanId); p; p = spans.find((s) => s.spanId === p!.parentSpanId)) out.push(p.spanId);
  return out;
}
