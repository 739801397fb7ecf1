/**
 * URL-safe Base64 (Qiniu's encoding of every "encoded" argument): `+`→`-`, `/`→`_`.
 * Encoding keeps the `=` padding as the SDKs do; decoding accepts it with or without.
 */
import { ParamError } from './validation';

const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/** encodeUrlSafeBase64 encodes UTF-8 text as padded URL-safe Base64. */
export function encodeUrlSafeBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** decodeUrlSafeBase64 decodes URL-safe (or standard) Base64 to UTF-8 text; throws ParamError on bad input. */
export function decodeUrlSafeBase64(raw: string): string {
  const normalised = raw.replace(/\+/g, '-').replace(/\//g, '_');
  if (raw === '' || !URL_SAFE.test(normalised)) throw new ParamError(`expected URL-safe Base64, got ${JSON.stringify(raw)}`);
  const body = normalised.replace(/=+$/, '');
  if (body.length % 4 === 1) throw new ParamError(`expected URL-safe Base64, got ${JSON.stringify(raw)} (bad length)`);
  const text = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  if (text.includes('\uFFFD')) throw new ParamError(`Base64 value ${JSON.stringify(raw)} is not UTF-8 text`);
  return text;
}
