/**
 * watermark/1 (image), watermark/2 (text) and watermark/3 (several) ⇄ Watermark.
 * Image marks name a storage object only (`kodo://<bucket>/<key>` or `/<bucket>/<key>`,
 * URL-safe Base64): the service never fetches remote URLs (no SSRF surface).
 * In watermark/3 each `image` or `text` key opens a new layer; the keys after it belong to it.
 */
import { Gravity, type ObjectRef } from '../generated/mediamesh/common/v1/common';
import type { TextMark, Watermark, WatermarkLayer } from '../generated/mediamesh/image/v1/operations';
import { decodeUrlSafeBase64, encodeUrlSafeBase64 } from './base64';
import { checkGravity, checkIntInRange, checkNumberInRange, gravityName, parseGravity, parseIntInRange, parseNumberInRange } from './params';
import { splitSegments } from './segments';
import { collect, invalid, ParamError, valid, type ValidationResult } from './validation';

const BUCKET = /^[a-z0-9][a-z0-9-]{2,62}$/;

/** parseMarkObject decodes the Base64 image argument into a storage object reference. */
export function parseMarkObject(raw: string): ObjectRef {
  const url = decodeUrlSafeBase64(raw);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('kodo://')) {
    throw new ParamError(`remote URLs are not fetched (got ${JSON.stringify(url)}); name a storage object as kodo://<bucket>/<key> or /<bucket>/<key>`);
  }
  const path = url.startsWith('kodo://') ? url.slice('kodo://'.length) : url.startsWith('/') ? url.slice(1) : null;
  const slash = path === null ? -1 : path.indexOf('/');
  if (slash < 0) return checkMarkRef({ bucket: '', key: '' }, url);
  return checkMarkRef({ bucket: path!.slice(0, slash), key: path!.slice(slash + 1) }, url);
}

/** checkMarkRef holds a mark's storage object to a valid bucket name and a key without "."/".."/empty segments. */
export function checkMarkRef(ref: ObjectRef, shown = `kodo://${ref.bucket}/${ref.key}`): ObjectRef {
  const { bucket, key } = ref;
  if (!BUCKET.test(bucket) || key === '' || key.split('/').some((s) => s === '..' || s === '.' || s === '') || key.includes('\0')) {
    throw new ParamError(`expected kodo://<bucket>/<key> or /<bucket>/<key> with a valid bucket and key, got ${JSON.stringify(shown)}`);
  }
  return { bucket, key };
}

function emptyLayer(content: WatermarkLayer['content']): WatermarkLayer {
  return { content, dissolve: 0, gravity: Gravity.GRAVITY_UNSPECIFIED, dx: undefined, dy: undefined, ws: 0, wst: 0 };
}
const textOf = (l: WatermarkLayer): TextMark => {
  if (l.content?.$case !== 'text') throw new ParamError('only applies to a text mark');
  return l.content.value;
};

/** The one name→apply table of watermark layer parameters. */
const LAYER_OPTIONS: Readonly<Record<string, (l: WatermarkLayer, raw: string) => void>> = {
  dissolve: (l, raw) => (l.dissolve = parseIntInRange(raw, 1, 100)),
  gravity: (l, raw) => (l.gravity = parseGravity(raw)),
  dx: (l, raw) => (l.dx = parseIntInRange(raw, -9999, 9999)),
  dy: (l, raw) => (l.dy = parseIntInRange(raw, -9999, 9999)),
  ws: (l, raw) => (l.ws = parseNumberInRange(raw, 0, 1, { exclusiveMin: true })),
  wst: (l, raw) => (l.wst = parseIntInRange(raw, 0, 3)),
  font: (l, raw) => (textOf(l).font = decodeUrlSafeBase64(raw)),
  fontsize: (l, raw) => (textOf(l).fontSize = parseIntInRange(raw, 0, 20_000)),
  fill: (l, raw) => (textOf(l).fill = decodeUrlSafeBase64(raw)),
};

/** parseWatermark parses one `watermark/<1|2|3>/...` command. */
export function parseWatermark(fop: string): ValidationResult<Watermark> {
  const errors: string[] = [];
  const segments = splitSegments(fop, errors, 'watermark');
  const mode = segments[1];
  if (mode !== '1' && mode !== '2' && mode !== '3') {
    return invalid([`watermark: mode: expected 1 (image), 2 (text) or 3 (several), got ${JSON.stringify(mode ?? '')}`]);
  }
  const layers: WatermarkLayer[] = [];
  const rest = segments.slice(2);
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i];
    const raw = rest[i + 1];
    if (raw === undefined) {
      errors.push(`watermark: ${key}: missing value`);
      break;
    }
    if (key === 'image' || key === 'text') {
      if ((mode === '1' && key === 'text') || (mode === '2' && key === 'image') || (mode !== '3' && layers.length)) {
        errors.push(`watermark: ${key}: not allowed in watermark/${mode} (use watermark/3 for several marks)`);
        continue;
      }
      collect(errors, `watermark: ${key}`, () =>
        layers.push(
          emptyLayer(key === 'image' ? { $case: 'image', value: parseMarkObject(raw) } : { $case: 'text', value: { text: nonEmpty(decodeUrlSafeBase64(raw)), font: '', fontSize: 0, fill: '' } }),
        ),
      );
      continue;
    }
    const apply = Object.prototype.hasOwnProperty.call(LAYER_OPTIONS, key) ? LAYER_OPTIONS[key] : undefined;
    if (!apply) errors.push(`watermark: unknown parameter ${JSON.stringify(key)}`);
    else if (!layers.length) errors.push(`watermark: ${key}: comes before any image or text`);
    else collect(errors, `watermark: ${key}`, () => apply(layers[layers.length - 1], raw));
  }
  if (!layers.length && !errors.length) errors.push(`watermark: ${mode === '2' ? 'text' : 'image'}: missing (required)`);
  return errors.length ? invalid(errors) : valid({ layers });
}

function nonEmpty(text: string): string {
  if (text === '') throw new ParamError('empty text');
  return text;
}

/** validateWatermark holds a typed Watermark to the rules of its URL form, with the same messages. */
export function validateWatermark(w: Watermark): ValidationResult<Watermark> {
  const errors: string[] = [];
  if (!w.layers.length) errors.push('watermark: image: missing (required)');
  for (const l of w.layers) {
    const check = (name: string, fn: () => unknown) => collect(errors, `watermark: ${name}`, fn);
    if (l.content?.$case === 'image') check('image', () => checkMarkRef(l.content!.value as ObjectRef));
    else if (l.content?.$case === 'text') {
      const t = l.content.value;
      check('text', () => nonEmpty(t.text));
      check('fontsize', () => checkIntInRange(t.fontSize, 0, 20_000));
    } else errors.push('watermark: a layer has neither image nor text');
    if (l.dissolve) check('dissolve', () => checkIntInRange(l.dissolve, 1, 100));
    check('gravity', () => checkGravity(l.gravity, true));
    if (l.dx !== undefined) check('dx', () => checkIntInRange(l.dx!, -9999, 9999));
    if (l.dy !== undefined) check('dy', () => checkIntInRange(l.dy!, -9999, 9999));
    if (l.ws) check('ws', () => checkNumberInRange(l.ws, 0, 1, { exclusiveMin: true }));
    check('wst', () => checkIntInRange(l.wst, 0, 3));
  }
  return errors.length ? invalid(errors) : valid(w);
}

function writeLayer(l: WatermarkLayer): string[] {
  const out: string[] = [];
  if (l.content?.$case === 'image') out.push('image', encodeUrlSafeBase64(`kodo://${l.content.value.bucket}/${l.content.value.key}`));
  if (l.content?.$case === 'text') {
    const t = l.content.value;
    out.push('text', encodeUrlSafeBase64(t.text));
    if (t.font) out.push('font', encodeUrlSafeBase64(t.font));
    if (t.fontSize) out.push('fontsize', String(t.fontSize));
    if (t.fill) out.push('fill', encodeUrlSafeBase64(t.fill));
  }
  if (l.dissolve) out.push('dissolve', String(l.dissolve));
  if (l.gravity) out.push('gravity', gravityName(l.gravity));
  if (l.dx !== undefined) out.push('dx', String(l.dx));
  if (l.dy !== undefined) out.push('dy', String(l.dy));
  if (l.ws) out.push('ws', String(l.ws));
  if (l.wst) out.push('wst', String(l.wst));
  return out;
}

/** formatWatermark writes watermark/1 or /2 for one layer, watermark/3 for several. */
export function formatWatermark(w: Watermark): string {
  const single = w.layers.length === 1 ? w.layers[0].content?.$case : undefined;
  const mode = single === 'image' ? '1' : single === 'text' ? '2' : '3';
  return ['watermark', mode, ...w.layers.flatMap(writeLayer)].join('/');
}
