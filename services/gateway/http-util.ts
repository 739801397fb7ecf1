/**
 * Small HTTP helpers shared by the routes: JSON errors in Qiniu's shape, the full URL a
 * client signed, entity tags and conditional requests.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { httpStatusOf, publicMessageOf } from './http-status';

/** sendError writes {"code": <status>, "error": "<message>"} with Cache-Control: no-store. */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const status = httpStatusOf(err);
  // Validators of the object must not describe an error body.
  reply.removeHeader('etag');
  reply.removeHeader('last-modified');
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify({ code: status, error: publicMessageOf(err) }));
}

/** fullUrlOf rebuilds the URL the client asked for (scheme + host + raw path and query), as signed. */
export function fullUrlOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}${req.raw.url ?? '/'}`;
}

/** quoteEtag wraps an entity tag in quotes. */
export const quoteEtag = (tag: string): string => `"${tag}"`;

/** derivedEtag is the entity tag of a processed result: source etag + operation (+ Accept when negotiated). */
export function derivedEtag(sourceEtag: string, operation: string, negotiation = ''): string {
  return createHash('sha256').update(`${sourceEtag}\n${operation}\n${negotiation}`).digest('hex').slice(0, 32);
}

/** ifNoneMatchHits tells whether If-None-Match matches an entity tag (weak comparison, "*" matches all). */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === quoteEtag(etag);
  });
}

/** notModifiedSince tells whether If-Modified-Since (used only without If-None-Match) allows a 304. */
export function notModifiedSince(req: FastifyRequest, lastModifiedMs: number): boolean {
  const ims = req.headers['if-modified-since'];
  if (!ims || req.headers['if-none-match']) return false;
  const t = Date.parse(ims);
  return Number.isFinite(t) && Math.floor(lastModifiedMs / 1000) * 1000 <= t;
}
