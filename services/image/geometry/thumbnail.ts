/**
 * thumbnailSize: the output size of imageMogr2 "thumbnail/<geometry>" for a source size
 * (notes/qiniu-fop.md §2 table). Unlike imageView2 these forms may enlarge.
 */
import { ThumbnailKind, type Thumbnail } from '../../../generated/mediamesh/image/v1/operations';
import { scaleSize, type Size } from './size';

/** thumbnailSize returns the target size (the source size when the form leaves it unchanged). */
export function thumbnailSize(src: Size, t: Thumbnail): Size {
  const rw = t.width / src.width;
  const rh = t.height / src.height;
  switch (t.kind) {
    case ThumbnailKind.THUMBNAIL_KIND_SCALE_PERCENT:
    // The doc's examples for "!<P>px" and "!x<P>p" are proportional (!75px → 480×320), so all three scale both sides.
    case ThumbnailKind.THUMBNAIL_KIND_WIDTH_PERCENT:
    case ThumbnailKind.THUMBNAIL_KIND_HEIGHT_PERCENT:
      return scaleSize(src, t.percent / 100);
    case ThumbnailKind.THUMBNAIL_KIND_WIDTH:
      return { width: t.width, height: Math.max(1, Math.round(src.height * rw)) };
    case ThumbnailKind.THUMBNAIL_KIND_HEIGHT:
      return { width: Math.max(1, Math.round(src.width * rh)), height: t.height };
    case ThumbnailKind.THUMBNAIL_KIND_FIT:
      return scaleSize(src, Math.min(rw, rh));
    case ThumbnailKind.THUMBNAIL_KIND_COVER:
      return scaleSize(src, Math.max(rw, rh));
    case ThumbnailKind.THUMBNAIL_KIND_EXACT:
      return { width: t.width, height: t.height };
    case ThumbnailKind.THUMBNAIL_KIND_SHRINK_ONLY:
      return Math.min(rw, rh) < 1 ? scaleSize(src, Math.min(rw, rh)) : src;
    case ThumbnailKind.THUMBNAIL_KIND_ENLARGE_ONLY:
      return Math.min(rw, rh) > 1 ? scaleSize(src, Math.min(rw, rh)) : src;
    case ThumbnailKind.THUMBNAIL_KIND_AREA: {
      // Floor, so that width × height stays within the pixel budget.
      const s = Math.sqrt(t.area / (src.width * src.height));
      return { width: Math.max(1, Math.floor(src.width * s)), height: Math.max(1, Math.floor(src.height * s)) };
    }
    default:
      throw new RangeError(`thumbnail: unknown form ${t.kind}`);
  }
}
