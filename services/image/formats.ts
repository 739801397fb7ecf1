/**
 * Output format decisions: the format named by the pipeline (last one wins), `auto` from
 * the Accept header, and the source's own format otherwise (heif/avif sources → JPEG, as
 * Qiniu does). Animation survives only into GIF and WebP.
 */
import { ImageFormat, type ImageOperation } from '../../generated/mediamesh/image/v1/operations';

/** OutputFormat is a format sharp encodes. */
export type OutputFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' | 'tiff';

export const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  tiff: 'image/tiff',
};

/** requestedFormat is the last format any operation sets (imageView2 format or imageMogr2 format). */
export function requestedFormat(ops: readonly ImageOperation[]): ImageFormat {
  let format = ImageFormat.IMAGE_FORMAT_UNSPECIFIED;
  for (const { op } of ops) {
    if (op?.$case === 'imageView2' && op.value.format) format = op.value.format;
    if (op?.$case === 'imageMogr2') for (const s of op.value.steps) if (s.step?.$case === 'format' && s.step.value) format = s.step.value;
  }
  return format;
}

/** negotiateFormat picks avif, webp or jpeg from an HTTP Accept header (format/auto). */
export function negotiateFormat(accept: string): OutputFormat {
  if (/image\/avif/i.test(accept)) return 'avif';
  if (/image\/webp/i.test(accept)) return 'webp';
  return 'jpeg';
}

/** resolveFormat decides the output encoding from the request and the source's format. */
export function resolveFormat(requested: ImageFormat, sourceFormat: string, accept: string): OutputFormat {
  switch (requested) {
    case ImageFormat.IMAGE_FORMAT_JPEG:
      return 'jpeg';
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
      return negotiateFormat(accept);
    default:
      if (sourceFormat === 'png' || sourceFormat === 'webp' || sourceFormat === 'gif' || sourceFormat === 'tiff') return sourceFormat;
      if (sourceFormat === 'svg') return 'png';
      return 'jpeg';
  }
}

/** keepsAnimation tells whether an output format carries every frame. */
export const keepsAnimation = (f: OutputFormat) => f === 'gif' || f === 'webp';

/** keepsAlpha tells whether an output format carries transparency (else flatten on the background). */
export const keepsAlpha = (f: OutputFormat) => f !== 'jpeg';
