/**
 * cropBox: imageMogr2 "crop" as ImageMagick `-crop WxH±X±Y` — the box starts at the
 * gravity anchor (default NorthWest) plus the offset and is clipped to the image.
 */
import { Gravity } from '../../../generated/mediamesh/common/v1/common';
import type { Crop } from '../../../generated/mediamesh/image/v1/operations';
import { anchorOffset } from './anchor';
import type { Box, Size } from './size';

/** cropBox returns the clipped box, or undefined when the box misses the image entirely. */
export function cropBox(src: Size, crop: Crop, gravity: Gravity = Gravity.GRAVITY_UNSPECIFIED): Box | undefined {
  const size = { width: crop.width || src.width, height: crop.height || src.height };
  const { left, top } = anchorOffset(src, size, gravity, crop.dx, crop.dy);
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(src.width, left + size.width);
  const y1 = Math.min(src.height, top + size.height);
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { left: x0, top: y0, width: x1 - x0, height: y1 - y0 };
}
