import * as http from 'node:http';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setHttpRoute, traceHttpHandler } from './http-server-spans';
import { inTrace } from './request-trace';
import { SyncContextManager } from './sync-context';

describe('traceHttpHandler', () => {
  const exporter = new InMemorySpanExporter();
  let server: http.Server;
  let base: string;
  const activeInHandler: string[] = [];

  beforeAll(async () => {
    context.setGlobalContextManager(new SyncContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    server = http.createServer(
      traceHttpHandler((req, res) => {
        setHttpRoute(req, '/:bucket/*');
        activeInHandler.push(trace.getActiveSpan()?.spanContext().spanId ?? '');
        // Later, asynchronously: the request carries the span.
        setTimeout(() => {
          activeInHandler.push(inTrace(req, () => trace.getActiveSpan()?.spanContext().spanId ?? ''));
          res.statusCode = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200);
          res.end('ok');
        }, 5);
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    trace.disable();
    context.disable();
    propagation.disable();
  });

  const finished = async (n: number) => {
    for (let i = 0; i < 100 && exporter.getFinishedSpans().length < n; i++) await new Promise((r) => setTimeout(r, 10));
    return exporter.getFinishedSpans();
  };

  it("continues the caller's trace, is active in the handler and bound to the request, names the span after the route, records no query", async () => {
    exporter.reset();
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await fetch(`${base}/demo/a.jpg?imageView2/1/w/10&token=secret`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    const [span] = await finished(1);
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span.kind).toBe(1); // SERVER
    expect(span.name).toBe('GET /:bucket/*');
    expect(span.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/demo/a.jpg', 'http.route': '/:bucket/*', 'http.response.status_code': 200 });
    expect(JSON.stringify(span.attributes)).not.toContain('secret');
    expect(activeInHandler.slice(-2)).toEqual([span.spanContext().spanId, span.spanContext().spanId]);
    expect(span.status.code).toBe(0);
  });

  it('marks 5xx as errors and leaves 4xx alone', async () => {
    exporter.reset();
    await fetch(`${base}/x?status=404`);
    await fetch(`${base}/x?status=503`);
    const spans = await finished(2);
    const byStatus = Object.fromEntries(spans.map((s) => [s.attributes['http.response.status_code'], s.status.code]));
    expect(byStatus).toEqual({ 404: 0, 503: 2 });
  });
});
