/** Size and Box: the plain shapes every geometry function takes and returns. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** Box is a rectangle inside an image, in pixels from the top left. */
export interface Box extends Size {
  readonly left: number;
  readonly top: number;
}

/** scaleSize applies a scale factor with round-to-nearest (Qiniu's examples), never below 1 px. */
export function scaleSize(src: Size, sx: number, sy = sx): Size {
  return { width: Math.max(1, Math.round(src.width * sx)), height: Math.max(1, Math.round(src.height * sy)) };
}
