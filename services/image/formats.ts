/**
 * Output format decisions: the format named by the pipeline (last one wins), `auto` from
 * the Accept header, and the source's own format otherwise (heif/avif sources → JPEG, as
 * Qiniu does). Animation survives only into GIF and WebP.
 */
import { ImageFormat } from '../../generated/mediamesh/image/v1/operations';
import { fixedEncoding, negotiateFormat, type ImageEncoding } from '../../fop';

/** OutputFormat is a format sharp encodes. */
export type OutputFormat = ImageEncoding;

export const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  tiff: 'image/tiff',
};

/** resolveFormat decides the output encoding from the request and the source's format (fop/image-formats.ts is the table). */
export function resolveFormat(requested: ImageFormat, sourceFormat: string, accept: string): OutputFormat {
  const fixed = fixedEncoding(requested);
  if (fixed) return fixed;
  if (requested === ImageFormat.IMAGE_FORMAT_AUTO) return negotiateFormat(accept);
  if (sourceFormat === 'png' || sourceFormat === 'webp' || sourceFormat === 'gif' || sourceFormat === 'tiff') return sourceFormat;
  if (sourceFormat === 'svg') return 'png';
  return 'jpeg';
}

/** keepsAnimation tells whether an output format carries every frame. */
export const keepsAnimation = (f: OutputFormat) => f === 'gif' || f === 'webp';

/** keepsAlpha tells whether an output format carries transparency (else flatten on the background). */
export const keepsAlpha = (f: OutputFormat) => f !== 'jpeg';
