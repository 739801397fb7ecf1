/**
 * applyImageView2: one imageView2 command — orient (Qiniu does it automatically), resize per
 * mode, centre-crop for modes 1 and 5, and record the encoder settings.
 */
import type { ImageView2 } from '../../../generated/mediamesh/image/v1/operations';
import { imageView2Plan } from '../geometry/image-view2';
import type { JobContext } from '../job/context';
import { ensureOriented } from './orient';
import { extractBox, resizeTo } from './resize';

/** applyImageView2 queues the command's geometry on the canvas. */
export async function applyImageView2(ctx: JobContext, v: ImageView2): Promise<void> {
  await ensureOriented(ctx);
  const plan = imageView2Plan(await ctx.canvas!.size(), v);
  await resizeTo(ctx, plan.resize);
  if (plan.crop) {
    const left = Math.floor((plan.resize.width - plan.crop.width) / 2);
    const top = Math.floor((plan.resize.height - plan.crop.height) / 2);
    await extractBox(ctx, { left, top, ...plan.crop });
  }
  const out = ctx.output;
  if (v.format) out.format = v.format;
  if (v.quality) out.quality = v.quality;
  out.defaultQuality = v.legacy ? 85 : 75;
  out.interlace = v.interlace;
  if (v.colors) out.colors = v.colors;
}
