import { describe, expect, it } from 'vitest';
import { ImageFormat } from '../../../generated/mediamesh/image/v1/operations';
import { negotiateFormat } from '../../../fop';
import { resolveFormat } from '../formats';
import { estimateJpegQuality } from '../jpeg-quality';
import { sharp } from '../sharp';
import { readExif } from './exif';

const noisy = () => sharp({ create: { width: 64, height: 64, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });

describe('estimateJpegQuality', () => {
  it.each([20, 50, 75, 90, 95])('recovers libjpeg quality %i', async (q) => {
    const jpeg = await noisy().jpeg({ quality: q }).toBuffer();
    expect(Math.abs((estimateJpegQuality(jpeg) ?? 0) - q)).toBeLessThanOrEqual(1);
  });
  it('gives undefined for non-JPEG bytes', () => expect(estimateJpegQuality(Buffer.from('not a jpeg'))).toBeUndefined());
});

describe('readExif', () => {
  it('reads IFD0 and Exif sub-IFD tags as {type, val}', async () => {
    const jpeg = await noisy()
      .jpeg()
      .withExif({ IFD0: { Make: 'mediamesh', Model: 'cam-1' }, IFD2: { ExposureTime: '1/50', FNumber: '28/10', ISOSpeedRatings: '3200' } })
      .toBuffer();
    const tags = readExif((await sharp(jpeg).metadata()).exif);
    expect(tags.Make).toEqual({ type: 2, val: 'mediamesh' });
    expect(tags.Model).toEqual({ type: 2, val: 'cam-1' });
    expect(tags.ExposureTime).toEqual({ type: 5, val: '1/50 sec.' });
    expect(tags.FNumber).toEqual({ type: 5, val: 'f/2.8' });
  });
  it('returns nothing for absent or malformed blocks', () => {
    expect(readExif(undefined)).toEqual({});
    expect(readExif(Buffer.from('Exif\0\0II*\0\xff\xff\xff\xff', 'latin1'))).toEqual({});
  });
});

describe('formats', () => {
  it('negotiates avif > webp > jpeg from Accept', () => {
    expect(negotiateFormat('image/avif,image/webp')).toBe('avif');
    expect(negotiateFormat('image/webp')).toBe('webp');
    expect(negotiateFormat('')).toBe('jpeg');
  });
  it('keeps the source format when none is given; heif/avif sources become JPEG (Qiniu)', () => {
    expect(resolveFormat(ImageFormat.IMAGE_FORMAT_UNSPECIFIED, 'png', '')).toBe('png');
    expect(resolveFormat(ImageFormat.IMAGE_FORMAT_UNSPECIFIED, 'gif', '')).toBe('gif');
    expect(resolveFormat(ImageFormat.IMAGE_FORMAT_UNSPECIFIED, 'heif', '')).toBe('jpeg');
    expect(resolveFormat(ImageFormat.IMAGE_FORMAT_AUTO, 'png', 'image/webp')).toBe('webp');
    expect(resolveFormat(ImageFormat.IMAGE_FORMAT_GIF, 'jpeg', '')).toBe('gif');
  });
});
