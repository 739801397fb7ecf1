/**
 * Typed parameter parsers shared by every command's option table. Each takes the raw
 * URL segment and returns a typed value or throws ParamError with a message that says
 * what was expected and what came; the tables add the operation and parameter names.
 */
import { Gravity } from '../generated/mediamesh/common/v1/common';
import type { ImageFormat, Quality } from '../generated/mediamesh/image/v1/operations';
import { imageFormatByName } from './image-formats';
import { decodeUrlSafeBase64 } from './base64';
import { ParamError } from './validation';

const show = (raw: string) => JSON.stringify(raw);

/**
 * checkIntInRange holds an integer to [min, max]; parseIntInRange and the typed validators
 * (validate.ts) both end here, so a rule and its message have one home. `raw` is what the
 * caller wrote (the URL segment), the number itself for typed operations.
 */
export function checkIntInRange(n: number, min: number, max: number, raw = String(n)): number {
  if (!Number.isInteger(n) || n < min || n > max) throw new ParamError(`expected an integer from ${min} to ${max}, got ${show(raw)}`);
  return n;
}

/** parseIntInRange parses a decimal integer within [min, max]. */
export function parseIntInRange(raw: string, min: number, max: number): number {
  return checkIntInRange(/^-?\d{1,12}$/.test(raw) ? Number(raw) : NaN, min, max, raw);
}

/** checkPositiveInt holds an integer to 1..max (default: a pixel size bound). */
export function checkPositiveInt(n: number, max = 99_999, raw = String(n)): number {
  if (!Number.isInteger(n) || n < 1) throw new ParamError(`expected a positive integer, got ${show(raw)}`);
  if (n > max) throw new ParamError(`expected a positive integer of at most ${max}, got ${show(raw)}`);
  return n;
}

/** parsePositiveInt parses an integer from 1 to max (default: a pixel size bound). */
export function parsePositiveInt(raw: string, max = 99_999): number {
  return checkPositiveInt(/^\d{1,12}$/.test(raw) ? Number(raw) : NaN, max, raw);
}

/** checkNumberInRange holds a number within (or at) the bounds. */
export function checkNumberInRange(n: number, min: number, max: number, opts: { exclusiveMin?: boolean } = {}, raw = String(n)): number {
  const low = opts.exclusiveMin ? n > min : n >= min;
  if (!Number.isFinite(n) || !low || n > max) {
    throw new ParamError(`expected a number ${opts.exclusiveMin ? 'above' : 'from'} ${min}${opts.exclusiveMin ? ' up to' : ' to'} ${max}, got ${show(raw)}`);
  }
  return n;
}

/** parseNumberInRange parses a decimal number within (or at) the bounds. */
export function parseNumberInRange(raw: string, min: number, max: number, opts: { exclusiveMin?: boolean } = {}): number {
  return checkNumberInRange(/^-?(\d+(\.\d*)?|\.\d+)$/.test(raw) ? Number(raw) : NaN, min, max, opts, raw);
}

/** parseFlag parses "0" or "1". */
export function parseFlag(raw: string): boolean {
  if (raw === '1') return true;
  if (raw === '0') return false;
  throw new ParamError(`expected 0 or 1, got ${show(raw)}`);
}

/** checkQuality holds a quality to 1..100. */
export function checkQuality(q: Quality, raw = `${q.value}${q.force ? '!' : ''}`): Quality {
  if (!Number.isInteger(q.value) || q.value < 1 || q.value > 100) {
    throw new ParamError(`expected a quality from 1 to 100 (optionally followed by "!"), got ${show(raw)}`);
  }
  return q;
}

/** parseQuality parses "<1..100>" with an optional trailing "!" (force the exact value). */
export function parseQuality(raw: string): Quality {
  const force = raw.endsWith('!');
  const digits = force ? raw.slice(0, -1) : raw;
  return checkQuality({ value: /^\d{1,3}$/.test(digits) ? Number(digits) : NaN, force }, raw);
}

/** parseFormat parses an output format name (jpg, png, webp, avif, gif, tiff, auto, copy; image-formats.ts is the table). */
export function parseFormat(raw: string): ImageFormat {
  const f = imageFormatByName(raw);
  if (f === undefined) throw new ParamError(`unsupported output format ${show(raw)} (expected jpg, png, webp, avif, gif, tiff, auto or copy)`);
  return f;
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

/** checkGravity holds a (typed) gravity to the nine named ones; `optional` also lets "unspecified" pass. */
export function checkGravity(g: Gravity, optional = false): Gravity {
  if (optional && g === Gravity.GRAVITY_UNSPECIFIED) return g;
  if (!gravityName(g)) throw new ParamError(`expected a gravity (${GRAVITY_NAMES.join(', ')}), got ${show(String(g))}`);
  return g;
}

/** gravityName is the URL spelling of a gravity. */
export function gravityName(g: Gravity): string {
  return GRAVITY_NAMES[g - 1] ?? '';
}

const COLOUR_NAMES = ['transparent', 'none', 'white', 'black', 'red', 'orange', 'yellow', 'green', 'blue', 'purple', 'gray', 'grey', 'pink'];

/** checkColour holds a decoded colour to a name (white, transparent, ...) or #RRGGBB. */
export function checkColour(text: string): string {
  if (/^#[0-9a-f]{6}$/i.test(text) || COLOUR_NAMES.includes(text.toLowerCase())) return text;
  throw new ParamError(`expected a Base64-encoded colour name (${COLOUR_NAMES.join(', ')}) or #RRGGBB, got ${show(text)}`);
}

/** parseColour decodes a URL-safe Base64 colour: a name (white, transparent, ...) or #RRGGBB. */
export function parseColour(raw: string): string {
  return checkColour(decodeUrlSafeBase64(raw).trim());
}

/**
 * unescapeGeometry undoes Qiniu's URL escape for ImageMagick geometry: an argument that
 * starts with "!" has p→%, r→^, a→+ ("!50x50r" = "50x50^"); others are taken as they are.
 */
export function unescapeGeometry(raw: string): string {
  if (!raw.startsWith('!')) return raw;
  return raw.slice(1).replace(/p/g, '%').replace(/r/g, '^').replace(/a/g, '+');
}

/** checkByteSize holds a byte size (size-limit) to at least 1. */
export function checkByteSize(n: number, raw = String(n)): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new ParamError(`expected a size such as 15k or 1m, got ${show(raw)}`);
  return n;
}

/** parseByteSize parses "<N>[k|m]" (k = 1024) for size-limit. */
export function parseByteSize(raw: string): number {
  const m = /^(\d{1,10})([km]?)$/i.exec(raw);
  if (!m) return checkByteSize(NaN, raw);
  const unit = m[2].toLowerCase();
  // "0k" is refused by its digits, as before: the unit never turns 0 into a size.
  checkByteSize(Number(m[1]), raw);
  return Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
}
