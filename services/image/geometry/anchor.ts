/**
 * anchorOffset places a w×h box inside a W×H image by gravity, ImageMagick style: the
 * offset moves the box inward from the anchored edge (East: +dx moves left; South: +dy up).
 */
import { Gravity } from '../../../generated/mediamesh/common/v1/common';
import type { Size } from './size';

type Axis = 'start' | 'middle' | 'end';

function axes(g: Gravity): [Axis, Axis] {
  switch (g) {
    case Gravity.GRAVITY_NORTH:
      return ['middle', 'start'];
    case Gravity.GRAVITY_NORTH_EAST:
      return ['end', 'start'];
    case Gravity.GRAVITY_WEST:
      return ['start', 'middle'];
    case Gravity.GRAVITY_CENTER:
      return ['middle', 'middle'];
    case Gravity.GRAVITY_EAST:
      return ['end', 'middle'];
    case Gravity.GRAVITY_SOUTH_WEST:
      return ['start', 'end'];
    case Gravity.GRAVITY_SOUTH:
      return ['middle', 'end'];
    case Gravity.GRAVITY_SOUTH_EAST:
      return ['end', 'end'];
    default:
      return ['start', 'start'];
  }
}

const place = (axis: Axis, outer: number, inner: number, d: number) =>
  axis === 'start' ? d : axis === 'end' ? outer - inner - d : Math.floor((outer - inner) / 2) + d;

/** anchorOffset returns the top-left corner of the box (may lie outside the image). */
export function anchorOffset(image: Size, box: Size, gravity: Gravity, dx: number, dy: number): { left: number; top: number } {
  const [ax, ay] = axes(gravity);
  return { left: place(ax, image.width, box.width, dx), top: place(ay, image.height, box.height, dy) };
}
