/**
 * /healthz (the process is up), /readyz (the mesh has healthy endpoints for storage and
 * image: a grpc.health.v1 Check through the same mesh channels the routes use) and
 * /metrics (Prometheus text).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayContext } from '../context';
import { PROMETHEUS_CONTENT_TYPE } from '../../../observability';

const READY_SERVICES = ['storage', 'image'] as const;

/** checkReady asks each required service's health through the mesh; resolves with the failures. */
export async function checkReady(ctx: GatewayContext, timeoutMs = 2000): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
  await Promise.all(
    READY_SERVICES.map(
      (service) =>
        new Promise<void>((resolve) => {
          try {
            ctx.upstreams.health(service).check({ service: '' }, { deadline: Date.now() + timeoutMs }, (err, res) => {
              if (err) failures[service] = err.details || err.message;
              else if (res?.status !== 'SERVING') failures[service] = `health ${res?.status ?? 'unknown'}`;
              resolve();
            });
          } catch (err) {
            failures[service] = err instanceof Error ? err.message : String(err);
            resolve();
          }
        }),
    ),
  );
  return failures;
}

/** healthRoutes returns the three handlers. */
export function healthRoutes(ctx: GatewayContext, isDraining: () => boolean) {
  return {
    healthz: async (_req: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }),
    readyz: async (_req: FastifyRequest, reply: FastifyReply) => {
      if (isDraining()) return reply.code(503).header('cache-control', 'no-store').send({ code: 503, error: 'draining' });
      const failures = await checkReady(ctx);
      const ok = Object.keys(failures).length === 0;
      return reply
        .code(ok ? 200 : 503)
        .header('cache-control', 'no-store')
        .send(ok ? { status: 'ready' } : { code: 503, error: `not ready: ${Object.entries(failures).map(([s, e]) => `${s}: ${e}`).join('; ')}` });
    },
    metrics: async (_req: FastifyRequest, reply: FastifyReply) =>
      reply.header('content-type', PROMETHEUS_CONTENT_TYPE).header('cache-control', 'no-store').send(await ctx.metrics.render()),
  };
}
