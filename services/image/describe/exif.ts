/**
 * readExif: Qiniu "exif" JSON from the EXIF block sharp hands over (a TIFF structure after
 * "Exif\0\0"): IFD0, the Exif sub-IFD and the GPS IFD, each tag as {type, val} with a
 * libexif-style readable value. Unknown tags are skipped; a malformed block gives no tags.
 */
import type { ExifValue } from '../../../generated/mediamesh/image/v1/image';

const TAGS: Readonly<Record<number, string>> = {
  0x010e: 'ImageDescription', 0x010f: 'Make', 0x0110: 'Model', 0x0112: 'Orientation', 0x011a: 'XResolution', 0x011b: 'YResolution',
  0x0128: 'ResolutionUnit', 0x0131: 'Software', 0x0132: 'DateTime', 0x013b: 'Artist', 0x0213: 'YCbCrPositioning', 0x8298: 'Copyright',
  0x829a: 'ExposureTime', 0x829d: 'FNumber', 0x8822: 'ExposureProgram', 0x8827: 'ISOSpeedRatings', 0x9000: 'ExifVersion',
  0x9003: 'DateTimeOriginal', 0x9004: 'DateTimeDigitized', 0x9201: 'ShutterSpeedValue', 0x9202: 'ApertureValue', 0x9204: 'ExposureBiasValue',
  0x9205: 'MaxApertureValue', 0x9207: 'MeteringMode', 0x9209: 'Flash', 0x920a: 'FocalLength', 0xa001: 'ColorSpace', 0xa002: 'PixelXDimension',
  0xa003: 'PixelYDimension', 0xa402: 'ExposureMode', 0xa403: 'WhiteBalance', 0xa405: 'FocalLengthIn35mmFilm', 0xa406: 'SceneCaptureType',
  0xa434: 'LensModel', 0x0000: 'GPSVersionID', 0x0001: 'GPSLatitudeRef', 0x0002: 'GPSLatitude', 0x0003: 'GPSLongitudeRef', 0x0004: 'GPSLongitude',
  0x0005: 'GPSAltitudeRef', 0x0006: 'GPSAltitude',
};
const SIZES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };
const ORIENTATION = ['', 'Top-left', 'Top-right', 'Bottom-right', 'Bottom-left', 'Left-top', 'Right-top', 'Right-bottom', 'Left-bottom'];

/** readExif parses an EXIF block into Qiniu's tag map (empty when there is nothing readable). */
export function readExif(exif: Buffer | undefined): Record<string, ExifValue> {
  const out: Record<string, ExifValue> = {};
  if (!exif) return out;
  const base = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0;
  const tiff = exif.subarray(base);
  if (tiff.length < 8) return out;
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const i32 = (o: number) => (le ? tiff.readInt32LE(o) : tiff.readInt32BE(o));
  const seen = new Set<number>();
  const readIfd = (offset: number, gps: boolean) => {
    if (seen.has(offset) || offset + 2 > tiff.length) return;
    seen.add(offset);
    const count = u16(offset);
    for (let i = 0; i < count; i++) {
      const e = offset + 2 + i * 12;
      if (e + 12 > tiff.length) return;
      const tag = u16(e);
      const type = u16(e + 2);
      const n = u32(e + 4);
      if (!gps && tag === 0x8769) readIfd(u32(e + 8), false);
      else if (!gps && tag === 0x8825) readIfd(u32(e + 8), true);
      const name = (gps ? tag <= 6 : tag > 6) ? TAGS[tag] : undefined;
      const size = (SIZES[type] ?? 0) * n;
      if (!name || !size || size > 65536) continue;
      const at = size <= 4 ? e + 8 : u32(e + 8);
      if (at + size > tiff.length) continue;
      const nums = (): number[] => {
        const v: number[] = [];
        for (let k = 0; k < n; k++) {
          if (type === 3) v.push(u16(at + 2 * k));
          else if (type === 4) v.push(u32(at + 4 * k));
          else if (type === 9) v.push(i32(at + 4 * k));
          else if (type === 5 || type === 10) {
            const den = type === 5 ? u32(at + 8 * k + 4) : i32(at + 8 * k + 4);
            v.push(den ? (type === 5 ? u32(at + 8 * k) : i32(at + 8 * k)) / den : 0);
          } else v.push(tiff[at + k]);
        }
        return v;
      };
      out[name] = { type, val: readable(name, type, type === 2 || type === 7 ? tiff.subarray(at, at + size) : undefined, type === 2 || type === 7 ? [] : nums()) };
    }
  };
  try {
    readIfd(u32(4), false);
  } catch {
    /* a malformed block: keep what was read */
  }
  return out;
}

function readable(name: string, type: number, bytes: Buffer | undefined, nums: number[]): string {
  if (bytes) {
    const text = bytes.toString('latin1').replace(/\0+$/, '');
    return type === 7 && !/^[\x20-\x7e]*$/.test(text) ? `${bytes.length} bytes undefined data` : text;
  }
  const v = nums[0] ?? 0;
  const round = (x: number, d = 1) => x.toFixed(d);
  switch (name) {
    case 'Orientation':
      return ORIENTATION[v] ?? String(v);
    case 'ExposureTime':
      return v > 0 && v < 1 ? `1/${Math.round(1 / v)} sec.` : `${round(v)} sec.`;
    case 'FNumber':
      return `f/${round(v)}`;
    case 'FocalLength':
      return `${round(v)} mm`;
    default:
      return nums.map((x) => (Number.isInteger(x) ? String(x) : round(x, 2))).join(', ');
  }
}
