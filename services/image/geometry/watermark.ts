/**
 * Watermark geometry: the mark's size after ws/wst scaling and its position from
 * gravity (default SouthEast) and the dx/dy margins (default 10).
 */
import { Gravity } from '../../../generated/mediamesh/common/v1/common';
import { anchorOffset } from './anchor';
import { scaleSize, type Box, type Size } from './size';

/** markSize scales a mark so that its chosen side = base side × ws (wst: 0 short, 1 long, 2 width, 3 height). */
export function markSize(base: Size, mark: Size, ws: number, wst: number): Size {
  if (!ws) return mark;
  const pick = (s: Size) => (wst === 1 ? Math.max(s.width, s.height) : wst === 2 ? s.width : wst === 3 ? s.height : Math.min(s.width, s.height));
  return scaleSize(mark, (pick(base) * ws) / pick(mark));
}

/**
 * markBox places the mark; it is clamped inside the base so that the composite stays valid.
 * Undefined when the mark is bigger than the base (Qiniu then leaves the image unchanged).
 */
export function markBox(base: Size, mark: Size, gravity: Gravity, dx = 10, dy = 10): Box | undefined {
  if (mark.width > base.width || mark.height > base.height) return undefined;
  const { left, top } = anchorOffset(base, mark, gravity || Gravity.GRAVITY_SOUTH_EAST, dx, dy);
  const clamp = (v: number, max: number) => Math.min(Math.max(0, v), max);
  return { left: clamp(left, base.width - mark.width), top: clamp(top, base.height - mark.height), width: mark.width, height: mark.height };
}
