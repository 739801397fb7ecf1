/**
 * createGatewayServer: the Fastify app (HTTP/1.1) and its protections:
 *  - Node's HTTP server with header-size, headers-timeout (slowloris), whole-request and
 *    idle timeouts; a URL length limit (414);
 *  - a concurrency limiter with a bounded queue (429) on every route that does work;
 *  - no body parsing by Fastify: uploads stream from the raw request, management bodies
 *    are read with a small limit; every error, Fastify's own included, leaves as
 *    {"code","error"} JSON, and bad input is never a 5xx.
 */
import * as http from 'node:http';
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { setHttpRoute } from '../../observability';
import type { GatewayContext } from './context';
import { badRequest, methodNotAllowed, notFound, uriTooLong } from './errors';
import { httpStatusOf } from './http-status';
import { sendError } from './http-util';
import { createLimiter } from './limiter';
import { createRecorder } from './recorder';
import { createBucketRoute, listBucketsRoute } from './routes/buckets';
import { healthRoutes } from './routes/health';
import { getJobRoute, submitJobRoute } from './routes/jobs';
import { readObjectRoute } from './routes/object-read';
import { deleteObjectRoute, putObjectRoute } from './routes/object-write';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Metrics label of the route. */
    name?: string;
    /** Take a limiter slot (routes that do work). */
    limited?: boolean;
  }
}

/** createGatewayServer builds the app; `isDraining` makes /readyz fail during shutdown. */
export function createGatewayServer(ctx: GatewayContext, isDraining: () => boolean = () => false): FastifyInstance {
  const { config } = ctx;
  const app = fastify({
    logger: false,
    exposeHeadRoutes: false,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    serverFactory: (handler) => {
      const server = http.createServer(
        {
          maxHeaderSize: config.maxHeaderBytes,
          headersTimeout: config.headersTimeoutMs,
          requestTimeout: config.requestTimeoutMs,
          keepAliveTimeout: 5000,
          // Node checks the two timeouts above only this often (30 s by default).
          connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(config.headersTimeoutMs / 2))),
        },
        handler,
      );
      server.setTimeout(config.idleTimeoutMs);
      return server;
    },
    frameworkErrors: (err, _req, reply) => sendError(reply, badRequest(`bad request: ${err.message}`)),
  });

  const limiter = createLimiter({
    maxConcurrent: config.maxConcurrent,
    queueSize: config.queueSize,
    queueTimeoutMs: config.queueTimeoutMs,
    onReject: (reason) => ctx.metrics.rejected(reason),
  });

  app.removeAllContentTypeParsers();
  // Leave every body unread: routes stream it from req.raw themselves.
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const started = process.hrtime.bigint();
    // Names the request's HTTP server span after the route (GET /*), when tracing is on.
    setHttpRoute(req.routeOptions.url);
    ctx.metrics.requestStarted();
    reply.raw.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const length = Number(reply.getHeader('content-length') ?? 0);
      const bytesOut = req.method === 'HEAD' || !Number.isFinite(length) ? 0 : length;
      ctx.metrics.requestFinished(req.routeOptions.config?.name ?? 'unmatched', req.method, reply.raw.statusCode, seconds, bytesOut);
    });
    if ((req.raw.url ?? '').length > config.maxUrlBytes) throw uriTooLong(config.maxUrlBytes);
    if (req.routeOptions.config?.limited) {
      const release = await limiter.acquire();
      reply.raw.once('close', release);
    }
  });

  app.setErrorHandler((err, req, reply) => {
    const status = httpStatusOf(err);
    if (status >= 500)
      // The request's span is active here: the line carries its trace_id/span_id.
      ctx.log.warn('request failed', { method: req.method, url: req.raw.url?.slice(0, 300), status, err: err instanceof Error ? err.message : String(err) });
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number' && status >= 500) ctx.metrics.upstreamError('mesh', String(code));
    if (reply.sent || reply.raw.headersSent) return reply.raw.destroy();
    return sendError(reply, err);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, notFound(`no route for ${req.method} ${(req.raw.url ?? '').split('?')[0].slice(0, 200)}`)));

  if (config.recordPath) {
    const recorder = createRecorder(config.recordPath);
    app.addHook('onResponse', recorder.onResponse);
    app.addHook('onClose', () => recorder.close());
  }

  const health = healthRoutes(ctx, isDraining);
  app.get('/healthz', { config: { name: 'healthz' } }, health.healthz);
  app.get('/readyz', { config: { name: 'readyz' } }, health.readyz);
  app.get('/metrics', { config: { name: 'metrics' } }, health.metrics);

  const work = (name: string) => ({ config: { name, limited: true } });
  app.post('/v1/buckets', work('buckets'), createBucketRoute(ctx));
  app.get('/v1/buckets', work('buckets'), listBucketsRoute(ctx));
  app.post('/v1/jobs', work('jobs'), submitJobRoute(ctx));
  app.get('/v1/jobs/:id', work('jobs'), getJobRoute(ctx));

  app.route({ method: ['GET', 'HEAD'], url: '/*', ...work('object'), handler: readObjectRoute(ctx) });
  app.route({ method: 'PUT', url: '/*', ...work('upload'), handler: putObjectRoute(ctx) });
  app.route({ method: 'DELETE', url: '/*', ...work('delete'), handler: deleteObjectRoute(ctx) });
  app.route({
    method: ['POST', 'PATCH', 'OPTIONS'],
    url: '/*',
    config: { name: 'other' },
    handler: async (req, reply) => sendError(reply.header('allow', 'GET, HEAD, PUT, DELETE'), methodNotAllowed(req.method)),
  });
  return app;
}
