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
const side = (s: string, raw: string, max = MAX_SIDE) => {
  const n = Number(s);
  if (n < 1 || n > max) throw new ParamError(`size ${n} out of range 1..${max} in ${show(raw)}`);
  return n;
};

const THUMBNAIL_FORMS: ReadonlyArray<[RegExp, (m: RegExpExecArray, raw: string) => Thumbnail]> = [
  [/^(\d+)%$/, (m, raw) => thumb(ThumbnailKind.THUMBNAIL_KIND_SCALE_PERCENT, { percent: side(m[1], raw, 999) })],
  [/^(\d+)%x$/, (m, raw) => thumb(ThumbnailKind.THUMBNAIL_KIND_WIDTH_PERCENT, { percent: side(m[1], raw, 999) })],
  [/^x(\d+)%$/, (m, raw) => thumb(ThumbnailKind.THUMBNAIL_KIND_HEIGHT_PERCENT, { percent: side(m[1], raw, 999) })],
  [/^(\d+)x$/, (m, raw) => thumb(ThumbnailKind.THUMBNAIL_KIND_WIDTH, { width: side(m[1], raw) })],
  [/^x(\d+)$/, (m, raw) => thumb(ThumbnailKind.THUMBNAIL_KIND_HEIGHT, { height: side(m[1], raw) })],
  [/^(\d+)x(\d+)$/, (m, raw) => box(ThumbnailKind.THUMBNAIL_KIND_FIT, m, raw)],
  [/^(\d+)x(\d+)\^$/, (m, raw) => box(ThumbnailKind.THUMBNAIL_KIND_COVER, m, raw)],
  [/^(\d+)x(\d+)!$/, (m, raw) => box(ThumbnailKind.THUMBNAIL_KIND_EXACT, m, raw)],
  [/^(\d+)x(\d+)>$/, (m, raw) => box(ThumbnailKind.THUMBNAIL_KIND_SHRINK_ONLY, m, raw)],
  [/^(\d+)x(\d+)<$/, (m, raw) => box(ThumbnailKind.THUMBNAIL_KIND_ENLARGE_ONLY, m, raw)],
  [/^(\d+)@$/, (m, raw) => thumb(ThumbnailKind.THUMBNAIL_KIND_AREA, { area: side(m[1], raw, MAX_AREA) })],
];

function thumb(kind: ThumbnailKind, fields: Partial<Thumbnail>): Thumbnail {
  return { kind, width: 0, height: 0, percent: 0, area: 0, ...fields };
}
function box(kind: ThumbnailKind, m: RegExpExecArray, raw: string): Thumbnail {
  return thumb(kind, { width: side(m[1], raw), height: side(m[2], raw) });
}

/** parseThumbnail parses every thumbnail form (notes §2 table). */
export function parseThumbnail(raw: string): Thumbnail {
  const g = unescapeGeometry(raw);
  for (const [re, make] of THUMBNAIL_FORMS) {
    const m = re.exec(g);
    if (m) return make(m, raw);
  }
  throw new ParamError(`expected a geometry such as 200x, x200, 200x300, !200x300r, 200x300!, 200x300>, 200x300<, !50p or 40000@, got ${show(raw)}`);
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

/** parseCrop parses "<W>x", "x<H>", "<W>x<H>" and the offset form "!<W>x<H>a<dx>a<dy>" (±). */
export function parseCrop(raw: string): Crop {
  const m = OFFSET_GEOMETRY.exec(unescapeGeometry(raw));
  if (!m || (m[1] === '' && m[2] === '')) {
    throw new ParamError(`expected a crop geometry such as 300x200, 300x, x200 or !300x200a10a20, got ${show(raw)}`);
  }
  const size = (s: string) => (s === '' ? 0 : side(s, raw, MAX_CROP));
  return { width: size(m[1]), height: size(m[2]), dx: m[3] ? Number(m[3]) : 0, dy: m[4] ? Number(m[4]) : 0 };
}

const signed = (n: number) => (n < 0 ? `-${-n}` : `a${n}`);

/** formatCrop writes the URL form of a crop (the "!" form only when an offset is set). */
export function formatCrop(c: Crop): string {
  const size = `${c.width || ''}x${c.height || ''}`;
  return c.dx || c.dy ? `!${size}${signed(c.dx)}${signed(c.dy)}` : size;
}

/** parseExtent parses "<W>x<H>" (placed by gravity) or "!<W>x<H>a<dx>a<dy>" (offset from the top left). */
export function parseExtent(raw: string): Extent {
  const m = /^(\d+)x(\d+)(?:([+-]\d+)([+-]\d+))?$/.exec(unescapeGeometry(raw));
  if (!m) throw new ParamError(`expected an extent geometry such as 400x300 or !400x300a10a10, got ${show(raw)}`);
  const hasOffset = m[3] !== undefined;
  return { width: side(m[1], raw), height: side(m[2], raw), dx: hasOffset ? Number(m[3]) : 0, dy: hasOffset ? Number(m[4]) : 0, hasOffset };
}

/** formatExtent writes the URL form of an extent. */
export function formatExtent(e: Extent): string {
  const size = `${e.width}x${e.height}`;
  return e.hasOffset ? `!${size}${signed(e.dx)}${signed(e.dy)}` : size;
}

/** parseBorder parses "<w>x<h>" (each 0..1000, not both 0). */
export function parseBorder(raw: string): Border {
  const m = /^(\d{1,4})x(\d{1,4})$/.exec(raw);
  if (!m || Number(m[1]) > 1000 || Number(m[2]) > 1000 || (Number(m[1]) === 0 && Number(m[2]) === 0)) {
    throw new ParamError(`expected <w>x<h> with each side 0..1000 and not both 0, got ${show(raw)}`);
  }
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** parseBlur parses "<radius>x<sigma>": radius 1..50, sigma above 0 (at most 1000). */
export function parseBlur(raw: string): Blur {
  const m = /^(\d{1,2})x(\d+(?:\.\d+)?)$/.exec(raw);
  const radius = m ? Number(m[1]) : 0;
  const sigma = m ? Number(m[2]) : 0;
  if (!m || radius < 1 || radius > 50 || !(sigma > 0) || sigma > 1000) {
    throw new ParamError(`expected <radius>x<sigma> with radius 1..50 and sigma above 0, got ${show(raw)}`);
  }
  return { radius, sigma };
}
