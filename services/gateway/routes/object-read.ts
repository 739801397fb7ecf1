/**
 * GET / HEAD /{bucket}/{key}[?<operation>]: an object, or the result of an operation on
 * it. Order of checks: names (400) → object and bucket (404) → signature for private
 * buckets (401) → conditional request (304) → range (206 / 416) → bytes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BucketVisibility, type StatObjectResponse } from '../../../generated/mediamesh/storage/v1/storage';
import { MeshError, Status } from '../../runtime';
import type { GatewayContext } from '../context';
import { rangeNotSatisfiable } from '../errors';
import { fullUrlOf, ifNoneMatchHits, notModifiedSince, quoteEtag } from '../http-util';
import { contentRange, parseRange } from '../range';
import { parseObjectTarget } from '../request-target';
import { readObject } from '../storage-stream';
import { unary } from '../upstreams';
import { serveOperation } from './operation';

/** statFor looks an object up and enforces the private-bucket signature. */
export async function statFor(ctx: GatewayContext, req: FastifyRequest, bucket: string, key: string): Promise<StatObjectResponse> {
  const storage = ctx.upstreams.storage;
  const stat = await unary(storage, storage.statObject, { bucket, key }, ctx.config.upstreamTimeoutMs).catch(async (err: MeshError) => {
    // A missing key in a private bucket must look like an existing one to unsigned callers.
    if (err.code === Status.NOT_FOUND && (await ctx.buckets.isPrivate(bucket).catch(() => false))) ctx.checker.verifySignedUrl(fullUrlOf(req));
    throw err;
  });
  if (stat.visibility === BucketVisibility.BUCKET_VISIBILITY_PRIVATE) ctx.checker.verifySignedUrl(fullUrlOf(req));
  return stat;
}

/** readObjectRoute serves GET and HEAD. */
export function readObjectRoute(ctx: GatewayContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const target = parseObjectTarget(req.raw.url ?? '/');
    const stat = await statFor(ctx, req, target.bucket, target.key);
    const info = stat.info!;
    const isPrivate = stat.visibility === BucketVisibility.BUCKET_VISIBILITY_PRIVATE;
    const cacheControl = `${isPrivate ? 'private' : 'public'}, max-age=${ctx.config.cacheMaxAge}`;
    if (target.command) return serveOperation(ctx, req, reply, { ...target, info, cacheControl });

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
    const { body } = await readObject(ctx.upstreams.storage, { bucket: target.bucket, key: target.key, range: { offset, length } });
    return reply.send(body);
  };
}
