/**
 * estimateJpegQuality reads the luminance quantisation table (DQT) from a JPEG's header and
 * inverts the IJG scaling to the 1..100 quality that produced it. Qiniu's quality rule needs
 * the source quality; the estimate is exact for libjpeg-made files and close for others.
 */

// IJG standard luminance table (JPEG spec K.1). Only its sum matters, so order is irrelevant.
const STD_LUMINANCE_SUM = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109,
  103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
].reduce((a, b) => a + b, 0);

/** estimateJpegQuality returns the estimated quality, or undefined when no table is found. */
export function estimateJpegQuality(jpeg: Buffer): number | undefined {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 4 <= jpeg.length) {
    if (jpeg[i] !== 0xff) return undefined;
    const marker = jpeg[i + 1];
    const len = jpeg.readUInt16BE(i + 2);
    if (marker === 0xda || marker === 0xd9) return undefined; // start of scan: no DQT before it
    if (marker === 0xdb) return fromTable(jpeg.subarray(i + 4, i + 2 + len));
    i += 2 + len;
  }
  return undefined;
}

function fromTable(seg: Buffer): number | undefined {
  // Each table: 1 byte (precision << 4 | id) then 64 values of 1 or 2 bytes; id 0 is luminance.
  let p = 0;
  while (p < seg.length) {
    const precision = seg[p] >> 4;
    const id = seg[p] & 0x0f;
    const size = precision ? 128 : 64;
    if (p + 1 + size > seg.length) return undefined;
    if (id === 0) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum += precision ? seg.readUInt16BE(p + 1 + 2 * k) : seg[p + 1 + k];
      const scale = (sum * 100) / STD_LUMINANCE_SUM;
      const q = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
      return Math.max(1, Math.min(100, Math.round(q)));
    }
    p += 1 + size;
  }
  return undefined;
}
