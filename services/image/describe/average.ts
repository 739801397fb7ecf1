/**
 * averageColour: Qiniu imageAve, the mean sRGB colour as "0xrrggbb". Computed on a shrunk
 * copy (libvips shrink-on-load keeps it cheap for big JPEGs); box averaging keeps the mean.
 */
import { sharp } from '../sharp';
import type { ImageConfig } from '../config';
import { undecodableImage } from '../errors';

/** averageColour returns the mean colour of the image (alpha flattened on white). */
export async function averageColour(input: Buffer, config: ImageConfig): Promise<string> {
  const hex = (v: number) => Math.round(v).toString(16).padStart(2, '0');
  try {
    const stats = await sharp(input, { autoOrient: true, limitInputPixels: config.maxInputPixels })
      .resize(256, 256, { fit: 'inside', withoutEnlargement: true, kernel: 'linear' })
      .flatten({ background: 'white' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const { data, info } = stats;
    const sums = [0, 0, 0];
    for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 3; c++) sums[c] += data[i + Math.min(c, info.channels - 1)];
    const n = data.length / info.channels;
    return `0x${sums.map((s) => hex(s / n)).join('')}`;
  } catch (err) {
    throw undecodableImage('source', err);
  }
}
