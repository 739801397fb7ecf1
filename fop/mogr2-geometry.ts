/**
 * ImageMagick geometry arguments of imageMogr2 (thumbnail, crop, extent, border, blur)
 * ⇄ their messages. Arguments starting with "!" are de-escaped first (p→%, r→^, a→+).
 */
import { ThumbnailKind, type Blur, type Border, type Crop, type Extent, type Thumbnail } from '../generated/mediamesh/image/v1/operations';
import { unescapeGeometry } from './params';
import { ParamError } from './validation';

const MAX_SIDE = 9_999;
const MAX_CROP = 10_000;
const MAX_AREA = 24_999_999;

const show = (raw: string) => JSON.stringify(raw);
const side = (n: number, raw: string, max = MAX_SIDE) => {
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ParamError(`size ${n} out of range 1..${max} in ${show(raw)}`);
  return n;
};
/** An offset (crop, extent): any integer the URL can spell; the image service clips the box. */
const offset = (n: number, raw: string) => {
  if (!Number.isSafeInteger(n)) throw new ParamError(`offset ${n} is not an integer in ${show(raw)}`);
  return n;
};

const THUMBNAIL_FORMS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => Thumbnail]> = [
  [/^(\d+)%$/, (m) => thumb(ThumbnailKind.THUMBNAIL_KIND_SCALE_PERCENT, { percent: Number(m[1]) })],
  [/^(\d+)%x$/, (m) => thumb(ThumbnailKind.THUMBNAIL_KIND_WIDTH_PERCENT, { percent: Number(m[1]) })],
  [/^x(\d+)%$/, (m) => thumb(ThumbnailKind.THUMBNAIL_KIND_HEIGHT_PERCENT, { percent: Number(m[1]) })],
  [/^(\d+)x$/, (m) => thumb(ThumbnailKind.THUMBNAIL_KIND_WIDTH, { width: Number(m[1]) })],
  [/^x(\d+)$/, (m) => thumb(ThumbnailKind.THUMBNAIL_KIND_HEIGHT, { height: Number(m[1]) })],
  [/^(\d+)x(\d+)$/, (m) => box(ThumbnailKind.THUMBNAIL_KIND_FIT, m)],
  [/^(\d+)x(\d+)\^$/, (m) => box(ThumbnailKind.THUMBNAIL_KIND_COVER, m)],
  [/^(\d+)x(\d+)!$/, (m) => box(ThumbnailKind.THUMBNAIL_KIND_EXACT, m)],
  [/^(\d+)x(\d+)>$/, (m) => box(ThumbnailKind.THUMBNAIL_KIND_SHRINK_ONLY, m)],
  [/^(\d+)x(\d+)<$/, (m) => box(ThumbnailKind.THUMBNAIL_KIND_ENLARGE_ONLY, m)],
  [/^(\d+)@$/, (m) => thumb(ThumbnailKind.THUMBNAIL_KIND_AREA, { area: Number(m[1]) })],
];

function thumb(kind: ThumbnailKind, fields: Partial<Thumbnail>): Thumbnail {
  return { kind, width: 0, height: 0, percent: 0, area: 0, ...fields };
}
function box(kind: ThumbnailKind, m: RegExpExecArray): Thumbnail {
  return thumb(kind, { width: Number(m[1]), height: Number(m[2]) });
}

const THUMBNAIL_EXPECTED = 'expected a geometry such as 200x, x200, 200x300, !200x300r, 200x300!, 200x300>, 200x300<, !50p or 40000@';

/** checkThumbnail holds a thumbnail's fields to its form's bounds (the ones its kind uses). */
export function checkThumbnail(t: Thumbnail, raw = formatThumbnail(t)): Thumbnail {
  switch (t.kind) {
    case ThumbnailKind.THUMBNAIL_KIND_SCALE_PERCENT:
    case ThumbnailKind.THUMBNAIL_KIND_WIDTH_PERCENT:
    case ThumbnailKind.THUMBNAIL_KIND_HEIGHT_PERCENT:
      side(t.percent, raw, 999);
      return t;
    case ThumbnailKind.THUMBNAIL_KIND_WIDTH:
      side(t.width, raw);
      return t;
    case ThumbnailKind.THUMBNAIL_KIND_HEIGHT:
      side(t.height, raw);
      return t;
    case ThumbnailKind.THUMBNAIL_KIND_AREA:
      side(t.area, raw, MAX_AREA);
      return t;
    case ThumbnailKind.THUMBNAIL_KIND_FIT:
    case ThumbnailKind.THUMBNAIL_KIND_COVER:
    case ThumbnailKind.THUMBNAIL_KIND_EXACT:
    case ThumbnailKind.THUMBNAIL_KIND_SHRINK_ONLY:
    case ThumbnailKind.THUMBNAIL_KIND_ENLARGE_ONLY:
      side(t.width, raw);
      side(t.height, raw);
      return t;
    default:
      throw new ParamError(`${THUMBNAIL_EXPECTED}, got kind ${show(String(t.kind))}`);
  }
}

/** parseThumbnail parses every thumbnail form (notes §2 table). */
export function parseThumbnail(raw: string): Thumbnail {
  const g = unescapeGeometry(raw);
  for (const [re, make] of THUMBNAIL_FORMS) {
    const m = re.exec(g);
    if (m) return checkThumbnail(make(m), raw);
  }
  throw new ParamError(`${THUMBNAIL_EXPECTED}, got ${show(raw)}`);
}

/** formatThumbnail writes the URL form of a thumbnail. */
export function formatThumbnail(t: Thumbnail): string {
  const wh = `${t.width}x${t.height}`;
  switch (t.kind) {
    case ThumbnailKind.THUMBNAIL_KIND_SCALE_PERCENT:
      return `!${t.percent}p`;
    case ThumbnailKind.THUMBNAIL_KIND_WIDTH_PERCENT:
      return `!${t.percent}px`;
    case ThumbnailKind.THUMBNAIL_KIND_HEIGHT_PERCENT:
      return `!x${t.percent}p`;
    case ThumbnailKind.THUMBNAIL_KIND_WIDTH:
      return `${t.width}x`;
    case ThumbnailKind.THUMBNAIL_KIND_HEIGHT:
      return `x${t.height}`;
    case ThumbnailKind.THUMBNAIL_KIND_FIT:
      return wh;
    case ThumbnailKind.THUMBNAIL_KIND_COVER:
      return `!${wh}r`;
    case ThumbnailKind.THUMBNAIL_KIND_EXACT:
      return `${wh}!`;
    case ThumbnailKind.THUMBNAIL_KIND_SHRINK_ONLY:
      return `${wh}>`;
    case ThumbnailKind.THUMBNAIL_KIND_ENLARGE_ONLY:
      return `${wh}<`;
    case ThumbnailKind.THUMBNAIL_KIND_AREA:
      return `${t.area}@`;
    default:
      return '';
  }
}

const OFFSET_GEOMETRY = /^(\d*)x(\d*)(?:([+-]\d+)([+-]\d+))?$/;

/** checkCrop holds a crop to sides 0..10000 (0 = the full side), not both 0. */
export function checkCrop(c: Crop, raw = formatCrop(c)): Crop {
  if (!c.width && !c.height) throw new ParamError(`expected a crop geometry such as 300x200, 300x, x200 or !300x200a10a20, got ${show(raw)}`);
  if (c.width) side(c.width, raw, MAX_CROP);
  if (c.height) side(c.height, raw, MAX_CROP);
  offset(c.dx, raw);
  offset(c.dy, raw);
  return c;
}

/** parseCrop parses "<W>x", "x<H>", "<W>x<H>" and the offset form "!<W>x<H>a<dx>a<dy>" (±). */
export function parseCrop(raw: string): Crop {
  const m = OFFSET_GEOMETRY.exec(unescapeGeometry(raw));
  if (!m || (m[1] === '' && m[2] === '')) {
    throw new ParamError(`expected a crop geometry such as 300x200, 300x, x200 or !300x200a10a20, got ${show(raw)}`);
  }
  // An explicit 0 side is out of range (as before), unlike an empty one, which means the full side.
  for (const given of [m[1], m[2]]) if (given !== '' && Number(given) === 0) side(0, raw, MAX_CROP);
  return checkCrop({ width: Number(m[1] || 0), height: Number(m[2] || 0), dx: m[3] ? Number(m[3]) : 0, dy: m[4] ? Number(m[4]) : 0 }, raw);
}

const signed = (n: number) => (n < 0 ? `-${-n}` : `a${n}`);

/** formatCrop writes the URL form of a crop (the "!" form only when an offset is set). */
export function formatCrop(c: Crop): string {
  const size = `${c.width || ''}x${c.height || ''}`;
  return c.dx || c.dy ? `!${size}${signed(c.dx)}${signed(c.dy)}` : size;
}

/** checkExtent holds an extent's canvas to sides 1..9999. */
export function checkExtent(e: Extent, raw = formatExtent(e)): Extent {
  side(e.width, raw);
  side(e.height, raw);
  offset(e.dx, raw);
  offset(e.dy, raw);
  return e;
}

/** parseExtent parses "<W>x<H>" (placed by gravity) or "!<W>x<H>a<dx>a<dy>" (offset from the top left). */
export function parseExtent(raw: string): Extent {
  const m = /^(\d+)x(\d+)(?:([+-]\d+)([+-]\d+))?$/.exec(unescapeGeometry(raw));
  if (!m) throw new ParamError(`expected an extent geometry such as 400x300 or !400x300a10a10, got ${show(raw)}`);
  const hasOffset = m[3] !== undefined;
  return checkExtent({ width: Number(m[1]), height: Number(m[2]), dx: hasOffset ? Number(m[3]) : 0, dy: hasOffset ? Number(m[4]) : 0, hasOffset }, raw);
}

/** formatExtent writes the URL form of an extent. */
export function formatExtent(e: Extent): string {
  const size = `${e.width}x${e.height}`;
  return e.hasOffset ? `!${size}${signed(e.dx)}${signed(e.dy)}` : size;
}

/** checkBorder holds a border to sides 0..1000, not both 0. */
export function checkBorder(b: Border, raw = `${b.width}x${b.height}`): Border {
  const ok = (n: number) => Number.isInteger(n) && n >= 0 && n <= 1000;
  if (!ok(b.width) || !ok(b.height) || (b.width === 0 && b.height === 0)) {
    throw new ParamError(`expected <w>x<h> with each side 0..1000 and not both 0, got ${show(raw)}`);
  }
  return b;
}

/** parseBorder parses "<w>x<h>" (each 0..1000, not both 0). */
export function parseBorder(raw: string): Border {
  const m = /^(\d{1,4})x(\d{1,4})$/.exec(raw);
  return checkBorder(m ? { width: Number(m[1]), height: Number(m[2]) } : { width: NaN, height: NaN }, raw);
}

/** checkBlur holds a blur to radius 1..50 and sigma above 0 (at most 1000). */
export function checkBlur(b: Blur, raw = `${b.radius}x${b.sigma}`): Blur {
  if (!Number.isInteger(b.radius) || b.radius < 1 || b.radius > 50 || !(b.sigma > 0) || b.sigma > 1000) {
    throw new ParamError(`expected <radius>x<sigma> with radius 1..50 and sigma above 0, got ${show(raw)}`);
  }
  return b;
}

/** parseBlur parses "<radius>x<sigma>": radius 1..50, sigma above 0 (at most 1000). */
export function parseBlur(raw: string): Blur {
  const m = /^(\d{1,2})x(\d+(?:\.\d+)?)$/.exec(raw);
  return checkBlur(m ? { radius: Number(m[1]), sigma: Number(m[2]) } : { radius: NaN, sigma: NaN }, raw);
}
