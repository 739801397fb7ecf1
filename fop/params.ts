/**
 * Typed parameter parsers shared by every command's option table. Each takes the raw
 * URL segment and returns a typed value or throws ParamError with a message that says
 * what was expected and what came; the tables add the operation and parameter names.
 */
import { Gravity } from '../generated/mediamesh/common/v1/common';
import { ImageFormat, type Quality } from '../generated/mediamesh/image/v1/operations';
import { decodeUrlSafeBase64 } from './base64';
import { ParamError } from './validation';

const show = (raw: string) => JSON.stringify(raw);

/** parseIntInRange parses a decimal integer within [min, max]. */
export function parseIntInRange(raw: string, min: number, max: number): number {
  if (!/^-?\d{1,12}$/.test(raw)) throw new ParamError(`expected an integer from ${min} to ${max}, got ${show(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ParamError(`expected an integer from ${min} to ${max}, got ${show(raw)}`);
  return n;
}

/** parsePositiveInt parses an integer from 1 to max (default: a pixel size bound). */
export function parsePositiveInt(raw: string, max = 99_999): number {
  if (!/^\d{1,12}$/.test(raw) || Number(raw) < 1) throw new ParamError(`expected a positive integer, got ${show(raw)}`);
  const n = Number(raw);
  if (n > max) throw new ParamError(`expected a positive integer of at most ${max}, got ${show(raw)}`);
  return n;
}

/** parseNumberInRange parses a decimal number within (or at) the bounds. */
export function parseNumberInRange(raw: string, min: number, max: number, opts: { exclusiveMin?: boolean } = {}): number {
  const n = /^-?(\d+(\.\d*)?|\.\d+)$/.test(raw) ? Number(raw) : NaN;
  const low = opts.exclusiveMin ? n > min : n >= min;
  if (!Number.isFinite(n) || !low || n > max) {
    throw new ParamError(`expected a number ${opts.exclusiveMin ? 'above' : 'from'} ${min}${opts.exclusiveMin ? ' up to' : ' to'} ${max}, got ${show(raw)}`);
  }
  return n;
}

/** parseFlag parses "0" or "1". */
export function parseFlag(raw: string): boolean {
  if (raw === '1') return true;
  if (raw === '0') return false;
  throw new ParamError(`expected 0 or 1, got ${show(raw)}`);
}

/** parseQuality parses "<1..100>" with an optional trailing "!" (force the exact value). */
export function parseQuality(raw: string): Quality {
  const force = raw.endsWith('!');
  const digits = force ? raw.slice(0, -1) : raw;
  if (!/^\d{1,3}$/.test(digits) || Number(digits) < 1 || Number(digits) > 100) {
    throw new ParamError(`expected a quality from 1 to 100 (optionally followed by "!"), got ${show(raw)}`);
  }
  return { value: Number(digits), force };
}

const FORMATS: Record<string, ImageFormat> = {
  jpg: ImageFormat.IMAGE_FORMAT_JPEG,
  jpeg: ImageFormat.IMAGE_FORMAT_JPEG,
  png: ImageFormat.IMAGE_FORMAT_PNG,
  webp: ImageFormat.IMAGE_FORMAT_WEBP,
  avif: ImageFormat.IMAGE_FORMAT_AVIF,
  gif: ImageFormat.IMAGE_FORMAT_GIF,
  tiff: ImageFormat.IMAGE_FORMAT_TIFF,
  tif: ImageFormat.IMAGE_FORMAT_TIFF,
  auto: ImageFormat.IMAGE_FORMAT_AUTO,
  // "copy" keeps the source's format, which is what "not given" means.
  copy: ImageFormat.IMAGE_FORMAT_UNSPECIFIED,
};

/** parseFormat parses an output format name (jpg, png, webp, avif, gif, tiff, auto, copy). */
export function parseFormat(raw: string): ImageFormat {
  const f = FORMATS[raw.toLowerCase()];
  if (f === undefined) throw new ParamError(`unsupported output format ${show(raw)} (expected jpg, png, webp, avif, gif, tiff, auto or copy)`);
  return f;
}

/** formatName is the URL spelling of an output format ("" for unspecified). */
export function formatName(f: ImageFormat): string {
  switch (f) {
    case ImageFormat.IMAGE_FORMAT_JPEG:
      return 'jpg';
    case ImageFormat.IMAGE_FORMAT_PNG:
      return 'png';
    case ImageFormat.IMAGE_FORMAT_WEBP:
      return 'webp';
    case ImageFormat.IMAGE_FORMAT_AVIF:
      return 'avif';
    case ImageFormat.IMAGE_FORMAT_GIF:
      return 'gif';
    case ImageFormat.IMAGE_FORMAT_TIFF:
      return 'tiff';
    case ImageFormat.IMAGE_FORMAT_AUTO:
      return 'auto';
    default:
      return '';
  }
}

const GRAVITIES: Record<string, Gravity> = {
  northwest: Gravity.GRAVITY_NORTH_WEST,
  north: Gravity.GRAVITY_NORTH,
  northeast: Gravity.GRAVITY_NORTH_EAST,
  west: Gravity.GRAVITY_WEST,
  center: Gravity.GRAVITY_CENTER,
  east: Gravity.GRAVITY_EAST,
  southwest: Gravity.GRAVITY_SOUTH_WEST,
  south: Gravity.GRAVITY_SOUTH,
  southeast: Gravity.GRAVITY_SOUTH_EAST,
};
const GRAVITY_NAMES = ['NorthWest', 'North', 'NorthEast', 'West', 'Center', 'East', 'SouthWest', 'South', 'SouthEast'];

/** parseGravity parses an ImageMagick gravity name, case-insensitively (the docs show "center" too). */
export function parseGravity(raw: string): Gravity {
  const g = GRAVITIES[raw.toLowerCase()];
  if (g === undefined) throw new ParamError(`expected a gravity (${GRAVITY_NAMES.join(', ')}), got ${show(raw)}`);
  return g;
}

/** gravityName is the URL spelling of a gravity. */
export function gravityName(g: Gravity): string {
  return GRAVITY_NAMES[g - 1] ?? '';
}

const COLOUR_NAMES = ['transparent', 'none', 'white', 'black', 'red', 'orange', 'yellow', 'green', 'blue', 'purple', 'gray', 'grey', 'pink'];

/** parseColour decodes a URL-safe Base64 colour: a name (white, transparent, ...) or #RRGGBB. */
export function parseColour(raw: string): string {
  const text = decodeUrlSafeBase64(raw).trim();
  if (/^#[0-9a-f]{6}$/i.test(text) || COLOUR_NAMES.includes(text.toLowerCase())) return text;
  throw new ParamError(`expected a Base64-encoded colour name (${COLOUR_NAMES.join(', ')}) or #RRGGBB, got ${show(text)}`);
}

/**
 * unescapeGeometry undoes Qiniu's URL escape for ImageMagick geometry: an argument that
 * starts with "!" has p→%, r→^, a→+ ("!50x50r" = "50x50^"); others are taken as they are.
 */
export function unescapeGeometry(raw: string): string {
  if (!raw.startsWith('!')) return raw;
  return raw.slice(1).replace(/p/g, '%').replace(/r/g, '^').replace(/a/g, '+');
}

/** parseByteSize parses "<N>[k|m]" (k = 1024) for size-limit. */
export function parseByteSize(raw: string): number {
  const m = /^(\d{1,10})([km]?)$/i.exec(raw);
  if (!m || Number(m[1]) < 1) throw new ParamError(`expected a size such as 15k or 1m, got ${show(raw)}`);
  const unit = m[2].toLowerCase();
  return Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
}
