/**
 * applyImageMogr2: imageMogr2 parameters in URL order, through one case→apply table.
 * Geometry steps queue work on the canvas; encoder parameters only record settings.
 */
import type { ImageMogr2, Mogr2Step } from '../../../generated/mediamesh/image/v1/operations';
import { toSharpColour } from '../colour';
import { unsupportedOperation } from '../errors';
import { cropBox } from '../geometry/crop';
import { thumbnailSize } from '../geometry/thumbnail';
import { Stage } from '../job/canvas';
import type { JobContext } from '../job/context';
import { applyBorder, applyExtent } from './canvas-edges';
import { ensureOriented } from './orient';
import { extractBox, resizeTo } from './resize';

type Step = NonNullable<Mogr2Step['step']>;
type Apply<C extends Step['$case']> = (ctx: JobContext, value: Extract<Step, { $case: C }>['value'], op: ImageMogr2) => Promise<void> | void;

/** The one case→apply table of imageMogr2 steps. */
const MOGR2_STEPS: { [C in Step['$case']]: Apply<C> } = {
  autoOrient: (ctx) => ensureOriented(ctx),
  thumbnail: async (ctx, t) => resizeTo(ctx, thumbnailSize(await ctx.canvas!.size(), t)),
  strip: (ctx) => void (ctx.output.strip = true),
  gravity: (ctx, g) => void (ctx.gravity = g),
  crop: async (ctx, c) => {
    const box = cropBox(await ctx.canvas!.size(), c, ctx.gravity);
    if (!box) throw unsupportedOperation('imageMogr2: crop: the crop box lies outside the image');
    await extractBox(ctx, box);
  },
  rotate: async (ctx, degrees) => {
    if (degrees % 360 === 0) return;
    if (ctx.canvas!.pages > 1) throw unsupportedOperation('imageMogr2: rotate: not supported on animated images (add format/png or format/jpg to rotate the first frame)');
    const size = await ctx.canvas!.size();
    const quarter = degrees % 90 === 0;
    const turned = quarter && degrees % 180 !== 0 ? { width: size.height, height: size.width } : quarter ? size : undefined;
    const background = toSharpColour(ctx.output.background);
    await ctx.canvas!.at(Stage.Rotate, (img) => img.rotate(degrees, { background }), turned);
  },
  format: (ctx, f) => void (ctx.output.format = f),
  blur: async (ctx, b) => ctx.canvas!.at(Stage.Effect, (img) => img.blur(Math.max(0.3, b.sigma)), await ctx.canvas!.size()),
  quality: (ctx, q) => void (ctx.output.quality = q),
  interlace: (ctx, on) => void (ctx.output.interlace = on),
  sizeLimit: (ctx, s) => void (ctx.output.sizeLimit = s),
  background: (ctx, c) => void (ctx.output.background = c),
  extent: (ctx, e) => applyExtent(ctx, e),
  // bordercolor may come before or after border (the doc writes it after), so border looks it up.
  border: (ctx, b, op) => applyBorder(ctx, b, borderColourOf(op)),
  borderColor: () => undefined,
  sharpen: async (ctx) => ctx.canvas!.at(Stage.Effect, (img) => img.sharpen(), await ctx.canvas!.size()),
  density: (ctx, dpi) => void (ctx.output.density = dpi),
  colors: (ctx, n) => void (ctx.output.colors = n),
};

function borderColourOf(op: ImageMogr2): string {
  const s = op.steps.find((x) => x.step?.$case === 'borderColor')?.step;
  return s?.$case === 'borderColor' ? s.value : '';
}

/** applyImageMogr2 runs the steps in order, checking the signal between them. */
export async function applyImageMogr2(ctx: JobContext, op: ImageMogr2): Promise<void> {
  for (const { step } of op.steps) {
    if (!step) continue;
    ctx.signal.throwIfAborted();
    await (MOGR2_STEPS[step.$case] as Apply<typeof step.$case>)(ctx, step.value as never, op);
  }
}
