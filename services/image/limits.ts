/**
 * Limit checks built from the validated config: source header checks (run on sharp's
 * metadata(), before any pixel is decoded, so a decompression bomb costs a header read)
 * and output size checks (run on the planned size, before the resize allocates it).
 */
import { type Metadata } from './sharp';
import type { ImageConfig } from './config';
import { imageTooBig, outputTooBig, tooManyFrames } from './errors';
import type { Size } from './geometry/size';

/** checkSourceHeader refuses sources whose declared size or frame count exceeds the limits. */
export function checkSourceHeader(meta: Metadata, config: ImageConfig): void {
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  const pages = meta.pages ?? 1;
  if (width > config.maxInputSide || height > config.maxInputSide) {
    throw imageTooBig(`${width}x${height} has a side above ${config.maxInputSide} px`);
  }
  if (width * height > config.maxInputPixels) {
    throw imageTooBig(`${width}x${height} is ${width * height} pixels, more than ${config.maxInputPixels}`);
  }
  if (pages > config.maxFrames && (meta.format === 'gif' || meta.format === 'webp')) throw tooManyFrames(pages, config.maxFrames);
}

/** checkOutputSize refuses a planned output above the output limits. */
export function checkOutputSize(size: Size, config: ImageConfig): void {
  if (size.width > config.maxOutputSide || size.height > config.maxOutputSide) {
    throw outputTooBig(size.width, size.height, `a side above ${config.maxOutputSide} px`);
  }
  if (size.width * size.height > config.maxOutputPixels) {
    throw outputTooBig(size.width, size.height, `more than ${config.maxOutputPixels} pixels`);
  }
}
