/**
 * Who may read an object, and how its answers are cached: the private-bucket signature
 * check from the bucket directory, the one source of visibility (checkSignature), the
 * object lookup (statFor), and the Cache-Control of a successful read.
 */
import type { FastifyRequest } from 'fastify';
import type { StatObjectResponse } from '../../generated/mediamesh/storage/v1/storage';
import type { GatewayContext } from './context';
import { fullUrlOf } from './http-util';
import { unary } from './upstreams';

/** cacheControlFor is the Cache-Control of a successful read from a public or private bucket. */
export function cacheControlFor(ctx: GatewayContext, isPrivate: boolean): string {
  return `${isPrivate ? 'private' : 'public'}, max-age=${ctx.config.cacheMaxAge}`;
}

/**
 * checkSignature enforces the signature on a request to a private bucket, before any other
 * call is spent on it, and tells whether the bucket is private.
 */
export async function checkSignature(ctx: GatewayContext, req: FastifyRequest, bucket: string): Promise<boolean> {
  const isPrivate = await ctx.buckets.isPrivate(bucket);
  if (isPrivate) ctx.checker.verifySignedUrl(fullUrlOf(req));
  return isPrivate;
}

/** statFor looks an object up (after checkSignature). */
export function statFor(ctx: GatewayContext, bucket: string, key: string): Promise<StatObjectResponse> {
  const storage = ctx.upstreams.storage;
  // Retried by the mesh, not here (mesh/client/index.ts: what retries what).
  return unary(storage, storage.statObject, { bucket, key }, ctx.config.upstreamTimeoutMs);
}
