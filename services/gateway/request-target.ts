/**
 * parseObjectTarget: a request URL "/{bucket}/{key}?<command>&e=..&token=.." split into
 * its parts, the Qiniu way: the first query item is the command (an operation or a
 * pipeline), e= and token= are signature parameters, and a "|" may arrive as %7C.
 * Names are validated with the storage rules, so hostile keys are refused here with
 * 400 before any call is made (the storage service checks again).
 */
import { validateObjectName } from '../storage/names';
import { badRequest } from './errors';

/** ObjectTarget is a parsed object URL. */
export interface ObjectTarget {
  readonly bucket: string;
  readonly key: string;
  /** The operation string ("imageView2/1/w/200|imageMogr2/rotate/90"), or "" for the object itself. */
  readonly command: string;
  /** True when the URL carries token= (a signed URL). */
  readonly signed: boolean;
}

const SIGNATURE_PARAM_RE = /^(e|token)=/;

/** parseObjectTarget parses a raw request URL; throws 400 naming the problem. */
export function parseObjectTarget(rawUrl: string): ObjectTarget {
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q + 1);
  const path = decode(rawPath, 'path');
  const slash = path.indexOf('/', 1);
  if (!path.startsWith('/') || slash < 0) throw badRequest('expected a URL of the form /{bucket}/{key}');
  const bucket = path.slice(1, slash);
  const key = path.slice(slash + 1);
  const names = validateObjectName(bucket, key);
  if (!names.ok) throw badRequest(`invalid object name: ${names.errors.join('; ')}`);

  const items = query.split('&');
  const first = items[0] ?? '';
  const command = first === '' || SIGNATURE_PARAM_RE.test(first) ? '' : decode(first, 'operation');
  const signed = /(^|&)token=/.test(query);
  return { bucket, key, command, signed };
}

function decode(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest(`malformed percent-encoding in the ${what}`);
  }
}
