/**
 * POST /v1/buckets {name, visibility: "public" | "private"} (admin token): creates a
 * bucket, idempotent when the visibility matches (409 otherwise). GET /v1/buckets lists them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BucketVisibility, type Bucket } from '../../../generated/mediamesh/storage/v1/storage';
import { validateBucketName } from '../../storage/names';
import type { GatewayContext } from '../context';
import { badRequest } from '../errors';
import { unary } from '../upstreams';
import { readJsonBody, stringField } from './json-body';

const VISIBILITY: Record<string, BucketVisibility> = { public: BucketVisibility.BUCKET_VISIBILITY_PUBLIC, private: BucketVisibility.BUCKET_VISIBILITY_PRIVATE };

const toJson = (b: Bucket) => ({ name: b.name, visibility: b.visibility === BucketVisibility.BUCKET_VISIBILITY_PRIVATE ? 'private' : 'public' });

/** createBucketRoute handles POST /v1/buckets. */
export function createBucketRoute(ctx: GatewayContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    ctx.checker.checkAdmin(req.headers.authorization);
    const body = await readJsonBody(req);
    const errors: string[] = [];
    const name = stringField(body, 'name', errors);
    const visibility = stringField(body, 'visibility', errors, false) || 'public';
    if (name) {
      const v = validateBucketName(name, 'name');
      if (!v.ok) errors.push(...v.errors);
    }
    if (!(visibility in VISIBILITY)) errors.push(`visibility: expected "public" or "private"`);
    if (errors.length) throw badRequest(errors.join('; '));
    const storage = ctx.upstreams.storage;
    const res = await unary(storage, storage.createBucket, { bucket: { name, visibility: VISIBILITY[visibility] } }, ctx.config.upstreamTimeoutMs);
    return reply.send(toJson(res.bucket!));
  };
}

/** listBucketsRoute handles GET /v1/buckets. */
export function listBucketsRoute(ctx: GatewayContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    ctx.checker.checkAdmin(req.headers.authorization);
    const storage = ctx.upstreams.storage;
    const res = await unary(storage, storage.listBuckets, {}, ctx.config.upstreamTimeoutMs);
    return reply.header('cache-control', 'no-store').send({ buckets: res.buckets.map(toJson) });
  };
}
