/**
 * Bucket and key naming rules, shared by the storage service and the gateway.
 * Keys become file paths, so these rules are the first wall against path traversal
 * (the disk backend checks the resolved path again): no "." or ".." segments, no
 * absolute paths, no NUL or control characters, no backslashes (Windows separators and
 * "..\\" tricks), no empty segments, at most 1024 UTF-8 bytes.
 */

/** MAX_KEY_BYTES is the longest key accepted, in UTF-8 bytes (as S3). */
export const MAX_KEY_BYTES = 1024;
/** MAX_SEGMENT_BYTES keeps every path segment under common file-system name limits. */
export const MAX_SEGMENT_BYTES = 255;

/** ValidationResult carries a value or every problem found, never both. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const BUCKET_RE = /^[a-z0-9][a-z0-9-]{2,62}$/;

/** validateBucketName checks a bucket name: 3-63 characters of [a-z0-9-], starting with a letter or digit. */
export function validateBucketName(name: string, field = 'bucket'): ValidationResult<string> {
  if (BUCKET_RE.test(name)) return { ok: true, value: name };
  if (name === '') return { ok: false, errors: [`${field}: empty`] };
  return { ok: false, errors: [`${field}: ${JSON.stringify(truncate(name))} must be 3-63 characters of a-z, 0-9 and "-", starting with a letter or digit`] };
}

/** validateKey checks an object key and lists every rule it breaks. */
export function validateKey(key: string, field = 'key'): ValidationResult<string> {
  const errors: string[] = [];
  if (key === '') return { ok: false, errors: [`${field}: empty`] };
  const size = Buffer.byteLength(key, 'utf8');
  if (size > MAX_KEY_BYTES) errors.push(`${field}: ${size} bytes long, the limit is ${MAX_KEY_BYTES}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) errors.push(`${field}: contains a NUL or control character`);
  if (key.includes('\\')) errors.push(`${field}: contains a backslash`);
  if (LONE_SURROGATE_RE.test(key)) errors.push(`${field}: is not well-formed UTF-16 (lone surrogate)`);
  if (key.startsWith('/')) errors.push(`${field}: must be relative (starts with "/")`);
  if (/^[A-Za-z]:/.test(key)) errors.push(`${field}: looks like a drive path`);
  if (key.endsWith('/')) errors.push(`${field}: ends with "/"`);
  const segments = key.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  segments.forEach((seg, i) => {
    if (seg === '') errors.push(`${field}: segment ${i} is empty ("//")`);
    else if (seg === '.' || seg === '..') errors.push(`${field}: segment ${i} is "${seg}"`);
    else if (Buffer.byteLength(seg, 'utf8') > MAX_SEGMENT_BYTES) errors.push(`${field}: segment ${i} is longer than ${MAX_SEGMENT_BYTES} bytes`);
  });
  return errors.length ? { ok: false, errors: [...new Set(errors)] } : { ok: true, value: key };
}

/** validateObjectName checks a bucket and key together, collecting the problems of both. */
export function validateObjectName(bucket: string, key: string): ValidationResult<{ bucket: string; key: string }> {
  const b = validateBucketName(bucket);
  const k = validateKey(key);
  if (b.ok && k.ok) return { ok: true, value: { bucket, key } };
  return { ok: false, errors: [...(b.ok ? [] : b.errors), ...(k.ok ? [] : k.errors)] };
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
