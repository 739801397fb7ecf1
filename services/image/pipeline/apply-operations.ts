/**
 * applyOperations: each pipeline stage in order (`op1|op2|...`), each taking the previous
 * one's image. JSON stages (imageInfo at the end) are answered by the describe step.
 */
import type { ImageOperation } from '../../../generated/mediamesh/image/v1/operations';
import { applyImageMogr2 } from '../ops/image-mogr2';
import { applyImageView2 } from '../ops/image-view2';
import { applyWatermark } from '../ops/watermark';
import type { JobContext, Step } from '../job/context';

async function applyOne(ctx: JobContext, op: ImageOperation['op']): Promise<void> {
  switch (op?.$case) {
    case 'imageView2':
      return applyImageView2(ctx, op.value);
    case 'imageMogr2':
      return applyImageMogr2(ctx, op.value);
    case 'watermark':
      return applyWatermark(ctx, op.value);
    default:
      return;
  }
}

export const applyOperations: Step = async (ctx) => {
  if (!ctx.canvas || ctx.result) return;
  for (const { op } of ctx.operations) {
    ctx.signal.throwIfAborted();
    await applyOne(ctx, op);
  }
};
