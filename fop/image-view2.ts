/**
 * imageView2 (and the old imageView) ⇄ ImageView2:
 * `imageView2/<mode>/w/<W>/h/<H>/format/<fmt>/interlace/<0|1>/q/<Q>[!]/colors/<n>/ignore-error/1`.
 * Geometry per mode (notes/qiniu-fop.md §1) lives in services/image/geometry/image-view2.ts.
 */
import { ImageFormat, type ImageView2 } from '../generated/mediamesh/image/v1/operations';
import { formatName, isKnownImageFormat } from './image-formats';
import { checkIntInRange, checkPositiveInt, checkQuality, parseFlag, parseFormat, parseIntInRange, parsePositiveInt, parseQuality } from './params';
import { applyPairs, splitSegments } from './segments';
import { collect, invalid, ParamError, valid, type ValidationResult } from './validation';

/** MAX_VIEW_SIDE bounds w/h in the URL; the service's output limits apply afterwards. */
const MAX_VIEW_SIDE = 99_999;

/** The one name→apply table of imageView2 options. */
const VIEW_OPTIONS: Readonly<Record<string, (v: ImageView2, raw: string) => void>> = {
  w: (v, raw) => (v.width = parsePositiveInt(raw, MAX_VIEW_SIDE)),
  h: (v, raw) => (v.height = parsePositiveInt(raw, MAX_VIEW_SIDE)),
  format: (v, raw) => (v.format = parseFormat(raw)),
  q: (v, raw) => (v.quality = parseQuality(raw)),
  interlace: (v, raw) => (v.interlace = parseFlag(raw)),
  colors: (v, raw) => (v.colors = parseIntInRange(raw, 2, 256)),
  'ignore-error': (v, raw) => (v.ignoreError = parseFlag(raw)),
};

/** emptyImageView2 is an ImageView2 with every field at its proto default. */
export function emptyImageView2(): ImageView2 {
  return { mode: 0, width: 0, height: 0, format: ImageFormat.IMAGE_FORMAT_UNSPECIFIED, interlace: false, quality: undefined, colors: 0, ignoreError: false, legacy: false };
}

/** parseImageView2 parses one `imageView2/...` or `imageView/...` command. */
export function parseImageView2(fop: string): ValidationResult<ImageView2> {
  const errors: string[] = [];
  const command = fop.split('/')[0];
  const segments = splitSegments(fop, errors, command);
  const view = { ...emptyImageView2(), legacy: command === 'imageView' };
  if (segments.length < 2) {
    errors.push(`${command}: mode: missing (expected ${command}/<0..5>/...)`);
  } else {
    collect(errors, `${command}: mode`, () => (view.mode = parseIntInRange(segments[1], 0, 5)));
    applyPairs(command, segments.slice(2), VIEW_OPTIONS, view, errors);
  }
  return errors.length ? invalid(errors) : valid(view);
}

/**
 * validateImageView2 holds a typed ImageView2 (a gRPC caller's) to the rules its URL form
 * obeys, with the same messages; nothing is formatted or parsed.
 */
export function validateImageView2(v: ImageView2): ValidationResult<ImageView2> {
  const errors: string[] = [];
  const command = v.legacy ? 'imageView' : 'imageView2';
  const check = (name: string, fn: () => void) => collect(errors, `${command}: ${name}`, fn);
  check('mode', () => checkIntInRange(v.mode, 0, 5));
  if (v.width) check('w', () => checkPositiveInt(v.width, MAX_VIEW_SIDE));
  if (v.height) check('h', () => checkPositiveInt(v.height, MAX_VIEW_SIDE));
  check('format', () => {
    if (!isKnownImageFormat(v.format)) throw new ParamError(`unknown output format ${v.format}`);
  });
  if (v.quality) check('q', () => checkQuality(v.quality!));
  if (v.colors) check('colors', () => checkIntInRange(v.colors, 2, 256));
  return errors.length ? invalid(errors) : valid(v);
}

/** formatImageView2 writes the canonical URL form (parse(format(v)) equals v). */
export function formatImageView2(v: ImageView2): string {
  const out = [v.legacy ? 'imageView' : 'imageView2', String(v.mode)];
  if (v.width) out.push('w', String(v.width));
  if (v.height) out.push('h', String(v.height));
  const format = formatName(v.format);
  if (format) out.push('format', format);
  if (v.interlace) out.push('interlace', '1');
  if (v.quality) out.push('q', `${v.quality.value}${v.quality.force ? '!' : ''}`);
  if (v.colors) out.push('colors', String(v.colors));
  if (v.ignoreError) out.push('ignore-error', '1');
  return out.join('/');
}
