/**
 * vframe URL syntax: "vframe/<jpg|png|webp>/offset/<seconds>/w/<W>/h/<H>/rotate/<0|90|180|270|auto>"
 * parsed into the typed Vframe message and formatted back (round-trip).
 */
import { FrameFormat, type Vframe } from '../generated/mediamesh/video/v1/operations';
import { noteDuplicate, parseIntIn, parseSeconds, result, splitFop, type VideoValidationResult } from './video-params';
import { invalid } from './validation';

/** VFRAME_FORMATS maps the URL word to the enum (jpeg is accepted as an alias of jpg). */
const VFRAME_FORMATS: Record<string, FrameFormat> = {
  jpg: FrameFormat.FRAME_FORMAT_JPEG,
  jpeg: FrameFormat.FRAME_FORMAT_JPEG,
  png: FrameFormat.FRAME_FORMAT_PNG,
  webp: FrameFormat.FRAME_FORMAT_WEBP,
};

/** frameFormatName is the URL word (and file extension) of a frame format. */
export function frameFormatName(format: FrameFormat): 'jpg' | 'png' | 'webp' | undefined {
  switch (format) {
    case FrameFormat.FRAME_FORMAT_JPEG:
      return 'jpg';
    case FrameFormat.FRAME_FORMAT_PNG:
      return 'png';
    case FrameFormat.FRAME_FORMAT_WEBP:
      return 'webp';
    default:
      return undefined;
  }
}

/** parseVframe parses "vframe/jpg/offset/3/w/320"; every problem is reported with its parameter. */
export function parseVframe(text: string): VideoValidationResult<Vframe> {
  const errors: string[] = [];
  const { name, arg, pairs } = splitFop(text, true, errors);
  const out: Vframe = { format: FrameFormat.FRAME_FORMAT_UNSPECIFIED, offset: 0, width: 0, height: 0, rotate: 0 };
  if (name !== 'vframe') return invalid([`vframe: not a vframe operation: "${name}"`]);
  if (arg === undefined || arg === '') errors.push('vframe: missing format (jpg, png or webp), as in vframe/jpg/offset/3');
  else if (!(arg in VFRAME_FORMATS)) errors.push(`vframe/format: "${arg}" is not one of jpg, png, webp`);
  else out.format = VFRAME_FORMATS[arg]!;
  const seen = new Set<string>();
  for (const [key, value] of pairs) {
    const where = `vframe/${key}`;
    noteDuplicate(seen, where, key, errors);
    switch (key) {
      case 'offset':
        out.offset = parseSeconds(where, value, errors);
        break;
      case 'w':
        out.width = parseIntIn(where, value, 20, 3840, errors);
        break;
      case 'h':
        out.height = parseIntIn(where, value, 20, 2160, errors);
        break;
      case 'rotate':
        if (value === 'auto') out.rotate = 0; // the stream's own rotation is always applied
        else if (['0', '90', '180', '270'].includes(value)) out.rotate = Number(value);
        else errors.push(`${where}: expected 90, 180, 270 or auto, got "${value}"`);
        break;
      default:
        errors.push(`${where}: unknown parameter (known: offset, w, h, rotate)`);
    }
  }
  if (!seen.has('offset') && arg !== undefined) errors.push('vframe/offset: required (seconds), as in vframe/jpg/offset/3');
  return result(out, errors);
}

/** validateVframe checks a typed Vframe (from gRPC callers) with the same rules as the URL form. */
export function validateVframe(v: Vframe): string[] {
  const errors: string[] = [];
  if (!frameFormatName(v.format)) errors.push('vframe/format: required (jpg, png or webp)');
  if (!(v.offset >= 0) || !Number.isFinite(v.offset)) errors.push(`vframe/offset: expected seconds >= 0, got ${v.offset}`);
  if (v.width !== 0 && (v.width < 20 || v.width > 3840)) errors.push(`vframe/w: expected 20..3840, got ${v.width}`);
  if (v.height !== 0 && (v.height < 20 || v.height > 2160)) errors.push(`vframe/h: expected 20..2160, got ${v.height}`);
  if (![0, 90, 180, 270].includes(v.rotate)) errors.push(`vframe/rotate: expected 0, 90, 180 or 270, got ${v.rotate}`);
  return errors;
}

/** formatVframe writes the URL form; parseVframe(formatVframe(v)) equals v. */
export function formatVframe(v: Vframe): string {
  const parts = ['vframe', frameFormatName(v.format) ?? 'jpg', 'offset', formatSeconds(v.offset)];
  if (v.width) parts.push('w', String(v.width));
  if (v.height) parts.push('h', String(v.height));
  if (v.rotate) parts.push('rotate', String(v.rotate));
  return parts.join('/');
}

/** formatSeconds writes seconds with at most 3 decimals and no trailing zeros. */
export function formatSeconds(s: number): string {
  return String(Math.round(s * 1000) / 1000);
}
