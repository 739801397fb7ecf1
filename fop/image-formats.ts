/**
 * The one table of image output formats: each ImageFormat with its URL spelling, the
 * other spellings the parser accepts, and the encoding it selects. The URL parser and
 * writer (params.ts) and the image service's encoder choice (services/image/formats.ts)
 * all read this table, so a new format is one row.
 */
import { ImageFormat, type ImageOperation } from '../generated/mediamesh/image/v1/operations';

/** ImageEncoding is an encoding the image service produces (sharp's format names). */
export type ImageEncoding = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' | 'tiff';

interface FormatRow {
  readonly format: ImageFormat;
  /** The canonical URL spelling ("" = written as nothing: keep the source's format). */
  readonly name: string;
  /** Further spellings accepted in URLs. */
  readonly aliases: readonly string[];
  /** The fixed encoding it selects; undefined when it depends on the source (copy) or the Accept header (auto). */
  readonly encoding?: ImageEncoding;
}

/** IMAGE_FORMATS: one row per ImageFormat. */
export const IMAGE_FORMATS: readonly FormatRow[] = [
  // "copy" keeps the source's format, which is what "not given" means.
  { format: ImageFormat.IMAGE_FORMAT_UNSPECIFIED, name: '', aliases: ['copy'] },
  { format: ImageFormat.IMAGE_FORMAT_JPEG, name: 'jpg', aliases: ['jpeg'], encoding: 'jpeg' },
  { format: ImageFormat.IMAGE_FORMAT_PNG, name: 'png', aliases: [], encoding: 'png' },
  { format: ImageFormat.IMAGE_FORMAT_WEBP, name: 'webp', aliases: [], encoding: 'webp' },
  { format: ImageFormat.IMAGE_FORMAT_AVIF, name: 'avif', aliases: [], encoding: 'avif' },
  { format: ImageFormat.IMAGE_FORMAT_GIF, name: 'gif', aliases: [], encoding: 'gif' },
  { format: ImageFormat.IMAGE_FORMAT_TIFF, name: 'tiff', aliases: ['tif'], encoding: 'tiff' },
  { format: ImageFormat.IMAGE_FORMAT_AUTO, name: 'auto', aliases: [] },
];

const BY_FORMAT = new Map(IMAGE_FORMATS.map((row) => [row.format, row]));
const BY_NAME = new Map(IMAGE_FORMATS.flatMap((row) => [row.name, ...row.aliases].filter(Boolean).map((n) => [n, row.format] as const)));

/** imageFormatByName is the format a URL spelling names (case-insensitive), or undefined. */
export const imageFormatByName = (raw: string): ImageFormat | undefined => BY_NAME.get(raw.toLowerCase());

/** formatName is the URL spelling of an output format ("" for unspecified or an unknown value). */
export const formatName = (f: ImageFormat): string => BY_FORMAT.get(f)?.name ?? '';

/** isKnownImageFormat tells whether a (typed, maybe foreign) value is one of the table's formats. */
export const isKnownImageFormat = (f: ImageFormat): boolean => BY_FORMAT.has(f);

/** fixedEncoding is the encoding a format selects by itself (undefined for unspecified and auto). */
export const fixedEncoding = (f: ImageFormat): ImageEncoding | undefined => BY_FORMAT.get(f)?.encoding;

/** requestedFormat is the last format any operation sets (imageView2 format or imageMogr2 format): last one wins. */
export function requestedFormat(ops: readonly ImageOperation[]): ImageFormat {
  let format = ImageFormat.IMAGE_FORMAT_UNSPECIFIED;
  for (const { op } of ops) {
    if (op?.$case === 'imageView2' && op.value.format) format = op.value.format;
    if (op?.$case === 'imageMogr2') for (const s of op.value.steps) if (s.step?.$case === 'format' && s.step.value) format = s.step.value;
  }
  return format;
}

/**
 * negotiateFormat picks avif, webp or jpeg from an HTTP Accept header (format/auto). One home:
 * the image service encodes by it and the gateway keys its results cache by it, so two Accept
 * values that pick the same encoding share one cached result.
 */
export function negotiateFormat(accept: string): ImageEncoding {
  if (/image\/avif/i.test(accept)) return 'avif';
  if (/image\/webp/i.test(accept)) return 'webp';
  return 'jpeg';
}

/**
 * negotiatesFormat tells whether a pipeline's output depends on the caller's Accept header
 * (format/auto wins): the gateway then varies its ETag and caches by Accept.
 */
export const negotiatesFormat = (ops: readonly ImageOperation[]): boolean => requestedFormat(ops) === ImageFormat.IMAGE_FORMAT_AUTO;
