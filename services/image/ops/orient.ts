/**
 * ensureOriented applies the source's EXIF orientation once. Normally the decoder does it
 * (sharp's autoOrient option, chosen by the decode step); this path covers an auto-orient
 * that comes after other work, with libvips' own mapping (rotate, then mirror).
 */
import { Stage } from '../job/canvas';
import type { JobContext } from '../job/context';

// EXIF orientation → [clockwise angle, mirror horizontally afterwards] (libvips vips_autorot).
const TRANSFORMS: Readonly<Record<number, [number, boolean]>> = {
  2: [0, true],
  3: [180, false],
  4: [180, true],
  5: [90, true],
  6: [90, false],
  7: [270, true],
  8: [270, false],
};

/** ensureOriented rotates/mirrors the canvas upright from the EXIF orientation, once. */
export async function ensureOriented(ctx: JobContext): Promise<void> {
  if (ctx.oriented || !ctx.canvas) return;
  ctx.oriented = true;
  const t = TRANSFORMS[ctx.meta?.orientation ?? 1];
  if (!t) return;
  const [angle, mirror] = t;
  const size = await ctx.canvas.size();
  const turned = angle === 90 || angle === 270 ? { width: size.height, height: size.width } : size;
  await ctx.canvas.at(Stage.Orient, (img) => (mirror ? img.rotate(angle).flop() : img.rotate(angle)), turned);
}
