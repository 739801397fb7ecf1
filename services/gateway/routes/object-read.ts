/**
 * GET / HEAD /{bucket}/{key}[?<operation>]: an object, or the result of an operation on
 * it (routes/operation.ts). Order of checks for an object: names (400) → signature for
 * private buckets (401, so a missing key there looks like an existing one) → object and
 * bucket (404) → conditional request (304) → range (206 / 416) → bytes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayContext } from '../context';
import { rangeNotSatisfiable } from '../errors';
import { ifNoneMatchHits, notModifiedSince, quoteEtag } from '../http-util';
import { cacheControlFor, checkSignature, statFor } from '../object-access';
import { contentRange, parseRange } from '../range';
import { parseObjectTarget } from '../request-target';
import { serveOperation } from './operation';

/** readObjectRoute serves GET and HEAD. */
export function readObjectRoute(ctx: GatewayContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const target = parseObjectTarget(req.raw.url ?? '/');
    if (target.command) return serveOperation(ctx, req, reply, { ...target, command: target.command });
    const isPrivate = await checkSignature(ctx, req, target.bucket);
    const info = (await statFor(ctx, target.bucket, target.key)).info!;
    const cacheControl = cacheControlFor(ctx, isPrivate);

    const lastModifiedMs = (info.lastModified?.seconds ?? 0) * 1000;
    reply
      .header('etag', quoteEtag(info.etag))
      .header('last-modified', new Date(lastModifiedMs).toUTCString())
      .header('cache-control', cacheControl)
      .header('accept-ranges', 'bytes')
      .header('content-type', info.contentType || 'application/octet-stream');
    if (ifNoneMatchHits(req.headers['if-none-match'], info.etag) || notModifiedSince(req, lastModifiedMs)) return reply.code(304).send();

    // If-Range with a stale tag means "send everything".
    const ifRange = req.headers['if-range'];
    const rangeHeader = ifRange && ifRange !== quoteEtag(info.etag) ? undefined : req.headers.range;
    const range = parseRange(rangeHeader, info.size);
    if (range.kind === 'unsatisfiable') {
      reply.header('content-range', `bytes */${info.size}`);
      throw rangeNotSatisfiable(info.size);
    }
    const offset = range.kind === 'range' ? range.offset : 0;
    const length = range.kind === 'range' ? range.length : info.size;
    if (range.kind === 'range') reply.code(206).header('content-range', contentRange(offset, length, info.size));
    reply.header('content-length', String(length));
    if (req.method === 'HEAD' || length === 0) return reply.send();
    const { body } = await ctx.upstreams.objects.open({ bucket: target.bucket, key: target.key }, { range: { offset, length } });
    return reply.send(body);
  };
}
