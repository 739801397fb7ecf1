/**
 * fitSizeLimit: imageMogr2 "size-limit/<N>[!]". Re-encodes at lower quality (binary search,
 * at most 7 encodes from materialised pixels) until the result fits. Without "!" only JPEG is
 * touched; with "!" any format with a quality knob, and the original comes back when nothing fits.
 */
import { CONTENT_TYPES, type OutputFormat } from '../formats';
import { encodeAt } from './encode';
import type { Step } from '../job/context';

export const fitSizeLimit: Step = async (ctx) => {
  const limit = ctx.output.sizeLimit;
  const result = ctx.result;
  if (!limit || !result || !ctx.canvas || result.data.length <= limit.bytes) return;
  const format = result.format as OutputFormat;
  const tunable = format === 'jpeg' || (limit.force && (format === 'webp' || format === 'avif'));
  let best: Buffer | undefined;
  if (tunable) {
    await ctx.canvas.flush();
    let low = 1;
    let high = 100;
    for (let i = 0; i < 7 && low <= high; i++) {
      ctx.signal.throwIfAborted();
      const q = Math.floor((low + high) / 2);
      const { data } = await encodeAt(ctx, format, q);
      if (data.length <= limit.bytes) {
        best = data;
        low = q + 1;
      } else high = q - 1;
    }
  }
  if (best) {
    result.data = best;
    return;
  }
  if (limit.force && ctx.input.length <= limit.bytes) {
    const meta = ctx.meta!;
    const srcFormat = (meta.format in CONTENT_TYPES ? meta.format : 'jpeg') as OutputFormat;
    ctx.result = { data: ctx.input, contentType: CONTENT_TYPES[srcFormat], width: meta.width, height: meta.pageHeight ?? meta.height, format: srcFormat, originalReturned: true };
  }
};
