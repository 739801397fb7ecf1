/**
 * extent and border: grow (or cut) the canvas. Extent places the image on a W×H canvas by
 * gravity (default centre) or at an explicit offset from the top left, cutting what falls
 * outside; border adds w px left/right and h px top/bottom.
 */
import { Gravity } from '../../../generated/mediamesh/common/v1/common';
import type { Border, Extent } from '../../../generated/mediamesh/image/v1/operations';
import { toSharpColour } from '../colour';
import { unsupportedOperation } from '../errors';
import { anchorOffset } from '../geometry/anchor';
import { checkOutputSize } from '../limits';
import { Stage } from '../job/canvas';
import type { JobContext } from '../job/context';
import { extractBox } from './resize';

/** applyExtent pads/cuts the canvas to extent.width × extent.height. */
export async function applyExtent(ctx: JobContext, e: Extent): Promise<void> {
  const size = await ctx.canvas!.size();
  const target = { width: e.width, height: e.height };
  checkOutputSize(target, ctx.config);
  const at = e.hasOffset ? { left: e.dx, top: e.dy } : anchorOffset(target, size, ctx.gravity || Gravity.GRAVITY_CENTER, 0, 0);
  const x0 = Math.max(0, -at.left);
  const y0 = Math.max(0, -at.top);
  const x1 = Math.min(size.width, target.width - at.left);
  const y1 = Math.min(size.height, target.height - at.top);
  if (x1 <= x0 || y1 <= y0) throw unsupportedOperation(`imageMogr2: extent: the image lies outside the ${e.width}x${e.height} canvas`);
  await extractBox(ctx, { left: x0, top: y0, width: x1 - x0, height: y1 - y0 });
  const left = Math.max(0, at.left);
  const top = Math.max(0, at.top);
  const edges = { left, top, right: target.width - left - (x1 - x0), bottom: target.height - top - (y1 - y0), background: toSharpColour(ctx.output.background) };
  await ctx.canvas!.at(Stage.Extend, (img) => img.extend(edges), target);
}

/** applyBorder adds a border in the given colour (default white). */
export async function applyBorder(ctx: JobContext, b: Border, colour: string): Promise<void> {
  const size = await ctx.canvas!.size();
  const target = { width: size.width + 2 * b.width, height: size.height + 2 * b.height };
  checkOutputSize(target, ctx.config);
  const edges = { left: b.width, right: b.width, top: b.height, bottom: b.height, background: toSharpColour(colour || 'white') };
  await ctx.canvas!.at(Stage.Extend, (img) => img.extend(edges), target);
}
