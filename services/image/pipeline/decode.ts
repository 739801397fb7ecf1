/**
 * decode: opens the source as the canvas's sharp pipeline (still lazy: libvips decodes while
 * encoding). EXIF orientation is applied by the decoder when the first operation wants it
 * (imageView2 always does, imageMogr2 when auto-orient comes first); every frame is read
 * only when the output format keeps animation.
 */
import { sharp } from '../sharp';
import { requestedFormat } from '../../../fop';
import { keepsAnimation, resolveFormat } from '../formats';
import { Canvas } from '../job/canvas';
import type { JobContext, Step } from '../job/context';

function orientsFirst(ctx: JobContext): boolean {
  const first = ctx.operations.find((o) => o.op?.$case !== 'imageInfo')?.op;
  if (first?.$case === 'imageView2') return true;
  return first?.$case === 'imageMogr2' && first.value.steps[0]?.step?.$case === 'autoOrient';
}

export const decode: Step = async (ctx) => {
  if (ctx.canvas || ctx.result || !ctx.meta) return;
  const meta = ctx.meta;
  const format = resolveFormat(requestedFormat(ctx.operations), meta.format, ctx.accept);
  const animated = (meta.pages ?? 1) > 1 && (meta.format === 'gif' || meta.format === 'webp') && keepsAnimation(format);
  const pages = animated ? (meta.pages ?? 1) : 1;
  const autoOrient = orientsFirst(ctx);
  const img = sharp(ctx.input, { animated, autoOrient, limitInputPixels: ctx.config.maxInputPixels * pages, failOn: 'warning' }).timeout({
    seconds: Math.ceil(ctx.config.timeoutMs / 1000),
  });
  const oriented = autoOrient ? meta.autoOrient : { width: meta.width, height: meta.height };
  const frameHeight = animated && meta.pageHeight ? meta.pageHeight : oriented.height;
  ctx.oriented = autoOrient;
  ctx.canvas = new Canvas(img, { width: oriented.width, height: frameHeight }, pages, {
    limitInputPixels: ctx.config.maxInputPixels,
    timeoutSeconds: Math.ceil(ctx.config.timeoutMs / 1000),
  });
};
