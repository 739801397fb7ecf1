/**
 * Shared resize/crop helpers: every geometry change goes through these, so the output limits
 * are checked on the planned size before libvips allocates it, and the canvas knows the
 * stage (extract before or after the resize) to queue the work at.
 */
import { checkOutputSize } from '../limits';
import type { Box, Size } from '../geometry/size';
import { Stage } from '../job/canvas';
import type { JobContext } from '../job/context';

/** resizeTo scales the canvas to exactly size (aspect already decided by the geometry). */
export async function resizeTo(ctx: JobContext, size: Size): Promise<void> {
  const canvas = ctx.canvas!;
  const current = await canvas.size();
  checkOutputSize(size, ctx.config);
  if (size.width === current.width && size.height === current.height) return;
  await canvas.at(Stage.Resize, (img) => img.resize(size.width, size.height, { fit: 'fill' }), size);
}

/** extractBox keeps one box of the canvas. */
export async function extractBox(ctx: JobContext, box: Box): Promise<void> {
  const canvas = ctx.canvas!;
  const current = await canvas.size();
  if (box.left === 0 && box.top === 0 && box.width === current.width && box.height === current.height) return;
  const stage = canvas.lastStage < Stage.Resize ? Stage.ExtractBefore : Stage.ExtractAfter;
  await canvas.at(stage, (img) => img.extract(box), { width: box.width, height: box.height });
}
