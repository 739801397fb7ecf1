/**
 * The gateway's HTTP server span, without @opentelemetry/instrumentation-http: that package patches
 * every http server and client in the process and costs the gateway ~0.7 ms of CPU per request on
 * these machines (bench/tracing-overhead.ts); this wrapper does the part we use. It continues the
 * caller's W3C trace (`traceparent`), binds the span to the request (request-trace.ts: routes pass
 * req.raw to their upstream calls, whose client spans become its children), names it after the route once routing
 * knows it, and ends it when the response is done, with status ERROR only for 5xx (a 4xx is the
 * client's problem: OpenTelemetry HTTP semantic conventions). Only the path is recorded, never the
 * query (signed URLs carry tokens there).
 */
import type * as http from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { bindTrace } from './request-trace';
import { contextWithSpan } from './spans';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const tracer = trace.getTracer('mediamesh/http');
const SPAN = Symbol('mediamesh.httpServerSpan');
type Traced = http.IncomingMessage & { [SPAN]?: Span };

/** traceHttpHandler wraps an http 'request' handler so that every request runs inside its server span. */
export function traceHttpHandler(handler: Handler): Handler {
  return (req, res) => {
    const method = req.method ?? 'GET';
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    // Attributes after the sampling decision: none of our samplers reads them, and an unsampled
    // request (lean-tracer.ts parentBased) then costs no attribute object and no 'close' listener.
    const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      span.setAttributes({
        'http.request.method': method,
        'url.path': q < 0 ? url : url.slice(0, q),
        'url.scheme': 'http',
        'network.protocol.version': req.httpVersion,
        'server.port': req.socket.localPort ?? 0,
        'client.address': req.socket.remoteAddress ?? '',
        ...(req.headers['user-agent'] ? { 'user_agent.original': req.headers['user-agent'] } : {}),
      });
      (req as Traced)[SPAN] = span;
      // 'close' comes last in every case (after 'finish' when the response completed).
      res.once('close', () => {
        const status = res.statusCode;
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
        if (!res.writableFinished) span.setAttribute('mediamesh.http.aborted', true);
        span.end();
      });
    }
    const ctx = contextWithSpan(parent, span);
    // The handler's awaits lose the active context (sync-context.ts): the request carries it.
    bindTrace(req, ctx);
    context.with(ctx, handler, undefined, req, res);
  };
}

/** setHttpRoute records the matched route on the request's server span ("GET /:bucket/*"). */
export function setHttpRoute(req: http.IncomingMessage, route: string | undefined): void {
  const span = (req as Traced)[SPAN];
  if (!span || !route) return;
  span.setAttribute('http.route', route);
  span.updateName(`${req.method ?? 'GET'} ${route}`);
}
