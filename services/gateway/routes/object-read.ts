/**
 * GET / HEAD /{bucket}/{key}[?<operation>]: an object, or the result of an operation on
 * it (routes/operation.ts). Order of checks for an object: names (400) → object and bucket
 * (404) → signature for private buckets (401) → conditional request (304) → range
 * (206 / 416) → bytes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BucketVisibility } from '../../../generated/mediamesh/storage/v1/storage';
import type { GatewayContext } from '../context';
import { rangeNotSatisfiable } from '../errors';
import { ifNoneMatchHits, notModifiedSince, quoteEtag } from '../http-util';
import { cacheControlFor, statFor } from '../object-access';
import { contentRange, parseRange } from '../range';
import { parseObjectTarget } from '../request-target';
import { serveOperation } from './operation';

/** readObjectRoute serves GET and HEAD. */
export function readObjectRoute(ctx: GatewayContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const target = parseObjectTarget(req.raw.url ?? '/');
    if (target.command) return serveOperation(ctx, req, reply, { ...target, command: target.command });
    const stat = await statFor(ctx, req, target.bucket, target.key);
    const info = stat.info!;
    const cacheControl = cacheControlFor(ctx, stat.visibility === BucketVisibility.BUCKET_VISIBILITY_PRIVATE);

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
