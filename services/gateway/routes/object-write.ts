/**
 * PUT /{bucket}/{key} (upload, streamed) and DELETE /{bucket}/{key}, both behind the
 * admin bearer token. The body is never held in memory: it flows through
 * writeObject into the storage service with backpressure. Both purge the object's results
 * and etag from the results cache before they answer.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONTENT_TYPE_RE } from '../../storage/content-type';
import type { GatewayContext } from '../context';
import { badRequest, payloadTooLarge } from '../errors';
import { parseObjectTarget } from '../request-target';
import { closeLingering } from '../lingering-close';
import { writeObject } from '../storage-stream';
import { unary } from '../upstreams';

/** putObjectRoute stores the request body as an object. */
export function putObjectRoute(ctx: GatewayContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      ctx.checker.checkAdmin(req.headers.authorization);
      const target = parseObjectTarget(req.raw.url ?? '/');
      if (target.command) throw badRequest('PUT takes no operation: upload to /{bucket}/{key}');
      const limit = ctx.config.maxUploadBytes;
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) > limit) throw payloadTooLarge(limit);
      const contentType = (req.headers['content-type'] ?? '').trim();
      if (contentType && !CONTENT_TYPE_RE.test(contentType)) throw badRequest(`Content-Type ${JSON.stringify(contentType.slice(0, 100))} is not a MIME type`);
      const info = await writeObject(ctx.upstreams.storage, { bucket: target.bucket, key: target.key, contentType }, req.raw, limit, (n) => ctx.metrics.bytesIn(n));
      // Before the answer: no request after it gets a result of the old bytes from this gateway.
      ctx.results.objectWritten(target.bucket, target.key);
      return reply.send({ bucket: info.bucket, key: info.key, size: info.size, etag: info.etag, contentType: info.contentType });
    } catch (err) {
      // Refused while the client may still be sending a body we will not read: answer, then close lingering.
      if (!req.raw.readableEnded) closeLingering(req.raw, reply.raw);
      throw err;
    }
  };
}

/** deleteObjectRoute removes an object: 204. */
export function deleteObjectRoute(ctx: GatewayContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    ctx.checker.checkAdmin(req.headers.authorization);
    const target = parseObjectTarget(req.raw.url ?? '/');
    if (target.command) throw badRequest('DELETE takes no operation');
    const storage = ctx.upstreams.storage;
    try {
      await unary(storage, storage.deleteObject, { bucket: target.bucket, key: target.key }, ctx.config.upstreamTimeoutMs);
    } finally {
      // Also when the call failed: it may have deleted the object before its answer was lost.
      ctx.results.objectWritten(target.bucket, target.key);
    }
    return reply.code(204).send();
  };
}
