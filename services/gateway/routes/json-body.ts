/**
 * readJsonBody: a small JSON request body (management APIs), read from the raw stream
 * with a byte limit; malformed JSON or a non-object is a 400 naming the problem.
 */
import type { FastifyRequest } from 'fastify';
import { badRequest, payloadTooLarge } from '../errors';

/** readJsonBody reads and parses at most `limit` bytes of JSON object. */
export async function readJsonBody(req: FastifyRequest, limit = 64 * 1024): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.raw) {
    size += (chunk as Buffer).length;
    if (size > limit) throw payloadTooLarge(limit);
    parts.push(chunk as Buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch (err) {
    throw badRequest(`body: malformed JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('body: expected a JSON object');
  return value as Record<string, unknown>;
}

/** stringField reads a string field, recording a problem when it is missing or not a string. */
export function stringField(body: Record<string, unknown>, path: string, errors: string[], required = true): string {
  const v = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), body);
  if (v === undefined || v === null || v === '') {
    if (required) errors.push(`${path}: required`);
    return '';
  }
  if (typeof v !== 'string') {
    errors.push(`${path}: expected a string`);
    return '';
  }
  return v;
}
