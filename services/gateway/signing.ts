/**
 * Qiniu-style signed download URLs (notes/qiniu-fop.md §7), the one implementation the
 * gateway and `mediamesh sign` share:
 *   1. base = the URL with its scheme, host, path and query;
 *   2. append e=<unix deadline seconds> with "?" or "&";
 *   3. sig = url-safe base64 of HMAC-SHA1(secretKey, step 2);
 *   4. final = step 2 + "&token=<accessKey>:<sig>".
 * Pure functions only (no config, no clock): the SecurityChecker adds those.
 */
import { createHmac } from 'node:crypto';

/** SigningKey is one access key / secret key pair. */
export interface SigningKey {
  readonly accessKey: string;
  readonly secretKey: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const AK_RE = /^[A-Za-z0-9_-]{1,128}$/;

/** parseSigningKeys parses "ak1:sk1,ak2:sk2", collecting every problem by position. */
export function parseSigningKeys(raw: string): ParseResult<SigningKey[]> {
  const errors: string[] = [];
  const keys: SigningKey[] = [];
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((pair, i) => {
      const colon = pair.indexOf(':');
      const accessKey = colon > 0 ? pair.slice(0, colon) : '';
      const secretKey = colon > 0 ? pair.slice(colon + 1) : '';
      if (!AK_RE.test(accessKey)) errors.push(`key ${i}: access key must be 1-128 characters of A-Z a-z 0-9 _ -`);
      if (secretKey.length < 8) errors.push(`key ${i}: secret key must be at least 8 characters`);
      if (keys.some((k) => k.accessKey === accessKey)) errors.push(`key ${i}: access key ${accessKey} appears twice`);
      keys.push({ accessKey, secretKey });
    });
  return errors.length ? { ok: false, errors } : { ok: true, value: keys };
}

/** urlSafeBase64 is base64 with + → - and / → _ (padding kept, as Qiniu's SDKs do). */
export const urlSafeBase64 = (b: Buffer): string => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

/** signatureOf is url-safe base64 of HMAC-SHA1(secretKey, message). */
export function signatureOf(secretKey: string, message: string): string {
  return urlSafeBase64(createHmac('sha1', secretKey).update(message).digest());
}

/** signUrl returns url + e=<deadline> + &token=<ak>:<sig>; deadline in unix seconds. */
export function signUrl(url: string, key: SigningKey, deadline: number): string {
  if (!Number.isSafeInteger(deadline) || deadline <= 0) throw new Error(`deadline must be a positive integer of unix seconds, got ${deadline}`);
  const withDeadline = `${url}${url.includes('?') ? '&' : '?'}e=${deadline}`;
  return `${withDeadline}&token=${key.accessKey}:${signatureOf(key.secretKey, withDeadline)}`;
}

/** SignedParts is a signed URL split the way the server checks it. */
export interface SignedParts {
  /** Everything before "&token=" (what was signed). */
  readonly signed: string;
  /** The deadline from the signed part's e= parameter (NaN when malformed). */
  readonly deadline: number;
  readonly accessKey: string;
  readonly signature: string;
}

/**
 * splitSignedUrl finds the token and the deadline of a signed URL. The token must come
 * after the signed part ("&token=" or "?token=" is never signed), and anything after the
 * token's value is ignored, as Qiniu does. Returns undefined when the URL has no token.
 */
export function splitSignedUrl(url: string): SignedParts | undefined {
  const at = url.search(/[?&]token=/);
  if (at < 0) return undefined;
  const signed = url.slice(0, at);
  const token = url.slice(at + 7).split('&')[0];
  const colon = token.indexOf(':');
  const q = signed.indexOf('?');
  const eParam = q < 0 ? undefined : signed.slice(q + 1).split('&').reverse().find((p) => p.startsWith('e='));
  const deadline = eParam && /^\d{1,12}$/.test(eParam.slice(2)) ? Number(eParam.slice(2)) : NaN;
  return {
    signed,
    deadline,
    accessKey: colon > 0 ? decodeURIComponentSafe(token.slice(0, colon)) : '',
    signature: colon > 0 ? decodeURIComponentSafe(token.slice(colon + 1)) : '',
  };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
