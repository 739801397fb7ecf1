/**
 * Who may read an object, and how its answers are cached: StatObject plus the private-bucket
 * signature check (statFor), the early signature check from the cached bucket directory
 * (checkSignatureEarly), and the Cache-Control of a successful read.
 */
import type { FastifyRequest } from 'fastify';
import { BucketVisibility, type StatObjectResponse } from '../../generated/mediamesh/storage/v1/storage';
import { retryUnavailable } from '../../mesh/client/retry-unavailable';
import { MeshError, Status } from '../runtime';
import type { GatewayContext } from './context';
import { fullUrlOf } from './http-util';
import { unary } from './upstreams';

/** cacheControlFor is the Cache-Control of a successful read from a public or private bucket. */
export function cacheControlFor(ctx: GatewayContext, isPrivate: boolean): string {
  return `${isPrivate ? 'private' : 'public'}, max-age=${ctx.config.cacheMaxAge}`;
}

/** statFor looks an object up and enforces the private-bucket signature. */
export async function statFor(ctx: GatewayContext, req: FastifyRequest, bucket: string, key: string): Promise<StatObjectResponse> {
  const storage = ctx.upstreams.storage;
  // StatObject is idempotent: a storage instance dying mid-call is retried on another one.
  const stat = await retryUnavailable(() => unary(storage, storage.statObject, { bucket, key }, ctx.config.upstreamTimeoutMs)).catch(async (err: MeshError) => {
    // A missing key in a private bucket must look like an existing one to unsigned callers.
    if (err.code === Status.NOT_FOUND) await checkSignatureEarly(ctx, req, bucket);
    throw err;
  });
  if (stat.visibility === BucketVisibility.BUCKET_VISIBILITY_PRIVATE) ctx.checker.verifySignedUrl(fullUrlOf(req));
  return stat;
}

/**
 * checkSignatureEarly enforces the signature when the (cached) bucket directory knows the bucket
 * is private, before any work is spent on an unsigned request. Not authoritative (the cache may be
 * a few seconds old, or storage unreachable): callers also check what storage says with the answer.
 */
export async function checkSignatureEarly(ctx: GatewayContext, req: FastifyRequest, bucket: string): Promise<boolean> {
  const isPrivate = await ctx.buckets.isPrivate(bucket).catch(() => false);
  if (isPrivate) ctx.checker.verifySignedUrl(fullUrlOf(req));
  return isPrivate;
}
