/**
 * describeImage: Qiniu imageInfo from the header only (format, size, colour model,
 * orientation, frames). The colour model follows Qiniu's words (ycbcr for JPEG RGB, ...).
 */
import { sharp, type Metadata } from '../sharp';
import type { InfoResponse } from '../../../generated/mediamesh/image/v1/image';
import { undecodableImage } from '../errors';

const ORIENTATIONS = ['', 'Top-left', 'Top-right', 'Bottom-right', 'Bottom-left', 'Left-top', 'Right-top', 'Right-bottom', 'Left-bottom'];

/** formatOf names the container as Qiniu does (sharp says "heif" for AVIF too). */
export function formatOf(meta: Metadata): string {
  if (meta.format === 'heif') return meta.compression === 'av1' ? 'avif' : 'heic';
  return meta.format;
}

function colourModel(meta: Metadata): string {
  if (meta.isPalette || (meta.format === 'gif')) return `palette${meta.bitsPerSample ? 2 ** meta.bitsPerSample : 256}`;
  const alpha = meta.hasAlpha ? 'a' : '';
  switch (meta.space) {
    case 'cmyk':
      return 'cmyk';
    case 'b-w':
    case 'grey16':
      return `gray${alpha}`;
    default:
      return meta.format === 'jpeg' ? 'ycbcr' : `rgb${alpha}`;
  }
}

/** describeImage reads the header of an image and describes it. */
export async function describeImage(input: Buffer): Promise<InfoResponse> {
  const meta = await sharp(input, { limitInputPixels: false })
    .metadata()
    .catch((err) => {
      throw undecodableImage('source', err);
    });
  return {
    format: formatOf(meta),
    width: meta.width,
    height: meta.pageHeight ?? meta.height,
    colorModel: colourModel(meta),
    size: input.length,
    orientation: ORIENTATIONS[meta.orientation ?? 0] ?? '',
    frameNumber: meta.format === 'gif' || meta.format === 'webp' ? (meta.pages ?? 1) : 1,
    bitDepth: meta.depth === 'ushort' ? 16 : 8,
    hasAlpha: meta.hasAlpha,
  };
}

/** infoJson is the Qiniu imageInfo JSON body. */
export function infoJson(info: InfoResponse): Record<string, unknown> {
  const out: Record<string, unknown> = { format: info.format, width: info.width, height: info.height, colorModel: info.colorModel, size: info.size };
  if (info.orientation) out.orientation = info.orientation;
  if (info.format === 'gif' || info.frameNumber > 1) out.frameNumber = info.frameNumber;
  return out;
}
