/**
 * encode: the one encode pass. Decides the format, applies Qiniu's quality rule, flattens
 * alpha for JPEG, converts to 8-bit sRGB (CMYK and 16-bit sources included) and, when a
 * size-limit asks for it, re-encodes at lower quality until the result fits.
 */
import { type OutputInfo, type Sharp } from '../sharp';
import { toSharpColour } from '../colour';
import { CONTENT_TYPES, keepsAlpha, resolveFormat, type OutputFormat } from '../formats';
import { effectiveQuality } from '../geometry/quality';
import { estimateJpegQuality } from '../jpeg-quality';
import { checkOutputSize } from '../limits';
import { setSpanAttributes } from '../../../observability';
import type { JobContext, Step } from '../job/context';

function withEncoder(img: Sharp, format: OutputFormat, quality: number, ctx: JobContext): Sharp {
  const { interlace, colors } = ctx.output;
  switch (format) {
    case 'jpeg':
      return img.jpeg({ quality, progressive: interlace });
    case 'png':
      return img.png(colors ? { palette: true, colours: colors } : {});
    case 'webp':
      return img.webp({ quality });
    case 'avif':
      // effort 2: AVIF at the default effort is many times slower (notes: "AVIF is slow").
      return img.avif({ quality, effort: 2 });
    case 'gif':
      return img.gif(colors ? { colours: colors } : {});
    case 'tiff':
      return img.tiff({ quality });
  }
}

/**
 * encodeAt encodes the canvas at one quality. With a size-limit the canvas pipeline is cloned, so it
 * can run again at another quality; otherwise this is its only run (sharp's clone costs a copy of
 * every option on the request's critical path).
 */
export async function encodeAt(ctx: JobContext, format: OutputFormat, quality: number): Promise<{ data: Buffer; info: OutputInfo }> {
  let img = ctx.output.sizeLimit ? ctx.canvas!.img.clone() : ctx.canvas!.img;
  if (!keepsAlpha(format) && ctx.meta!.hasAlpha) img = img.flatten({ background: toSharpColour(ctx.output.background === 'transparent' ? 'white' : ctx.output.background) });
  img = img.toColourspace('srgb');
  if (ctx.output.density) img = img.withMetadata({ density: ctx.output.density });
  return withEncoder(img, format, quality, ctx).toBuffer({ resolveWithObject: true });
}

/** qualityFor applies Qiniu's rule for this request's output size. */
export function qualityFor(ctx: JobContext, format: OutputFormat, outputArea: number): number {
  const meta = ctx.meta!;
  const jpegIn = meta.format === 'jpeg';
  return effectiveQuality({
    requested: ctx.output.quality?.value,
    force: ctx.output.quality?.force,
    fallback: format === 'avif' && !ctx.output.quality ? 50 : ctx.output.defaultQuality,
    sourceQuality: jpegIn ? estimateJpegQuality(ctx.input) : undefined,
    sourceArea: meta.width * meta.height,
    outputArea,
    jpegOutput: format === 'jpeg',
  });
}

export const encode: Step = async (ctx) => {
  if (!ctx.canvas || ctx.result) return;
  const size = await ctx.canvas.size();
  checkOutputSize(size, ctx.config);
  const format = resolveFormat(ctx.output.format, ctx.meta!.format, ctx.accept);
  const quality = qualityFor(ctx, format, size.width * size.height);
  const { data, info } = await encodeAt(ctx, format, quality);
  setSpanAttributes(ctx.span, { 'image.format': format, 'image.quality': quality, 'image.width': size.width, 'image.height': size.height, 'image.frames': ctx.canvas.pages, 'image.bytes': data.length, 'image.materialisations': ctx.canvas.flushes });
  ctx.result = {
    data,
    contentType: CONTENT_TYPES[format],
    // The canvas knows one frame's size (the GIF encoder may merge identical frames, so info.height / pages is not it).
    width: ctx.canvas.pages > 1 ? size.width : info.width,
    height: ctx.canvas.pages > 1 ? size.height : info.height,
    format,
    originalReturned: false,
  };
};
