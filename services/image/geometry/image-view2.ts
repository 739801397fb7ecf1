/**
 * imageView2Plan: the geometry of imageView2 modes 0–5 (notes/qiniu-fop.md §1).
 * s = scale factor, output = round(W0·s) × round(H0·s); never enlarges (the old imageView
 * mode 1 may). Modes 1 and 5 then crop a centred box, clipped to the scaled size.
 */
import { scaleSize, type Size } from './size';

export interface ImageView2Geometry {
  readonly mode: number;
  /** Width (modes 1-3) or long edge (0, 4, 5); 0 = not given. */
  readonly width: number;
  /** Height (modes 1-3) or short edge (0, 4, 5); 0 = not given. */
  readonly height: number;
  /** The old imageView: mode 1 may enlarge. */
  readonly legacy?: boolean;
}

/** ImageView2Plan says how big to resize and which centred box to keep (if any). */
export interface ImageView2Plan {
  readonly resize: Size;
  readonly crop?: Size;
}

/** imageView2Plan computes the resize (and crop) for one imageView2 command on a source size. */
export function imageView2Plan(src: Size, g: ImageView2Geometry): ImageView2Plan {
  const { width: W0, height: H0 } = src;
  const long = Math.max(W0, H0);
  const short = Math.min(W0, H0);
  // "missing = ∞" for the fit modes, "missing = same as given" for the cover modes.
  const fitW = g.width || Infinity;
  const fitH = g.height || Infinity;
  const coverW = g.width || g.height;
  const coverH = g.height || g.width;
  const cap = (s: number) => (Number.isFinite(s) ? Math.min(s, 1) : 1);
  switch (g.mode) {
    case 0:
      return { resize: scaleSize(src, cap(Math.min(fitW / long, fitH / short))) };
    case 1: {
      if (!coverW) return { resize: src };
      const cover = Math.max(coverW / W0, coverH / H0);
      const resize = scaleSize(src, g.legacy ? cover : cap(cover));
      return { resize, crop: { width: Math.min(coverW, resize.width), height: Math.min(coverH, resize.height) } };
    }
    case 2:
      return { resize: scaleSize(src, cap(Math.min(fitW / W0, fitH / H0))) };
    case 3:
      return { resize: coverW ? scaleSize(src, cap(Math.max(coverW / W0, coverH / H0))) : src };
    case 4:
      return { resize: coverW ? scaleSize(src, cap(Math.max(coverW / long, coverH / short))) : src };
    case 5: {
      if (!coverW) return { resize: src };
      const resize = scaleSize(src, cap(Math.max(coverW / long, coverH / short)));
      // L runs along the source's long axis.
      const [bw, bh] = W0 >= H0 ? [coverW, coverH] : [coverH, coverW];
      return { resize, crop: { width: Math.min(bw, resize.width), height: Math.min(bh, resize.height) } };
    }
    default:
      throw new RangeError(`imageView2: mode ${g.mode} is not 0..5`);
  }
}
