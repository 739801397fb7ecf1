import { describe, expect, it } from 'vitest';
import { ImageFormat } from '../generated/mediamesh/image/v1/operations';
import { parseFop } from './classify';
import { fixedEncoding, formatName, IMAGE_FORMATS, negotiatesFormat } from './image-formats';
import { parseImagePipeline } from './image-pipeline';
import { parseFormat } from './params';

const ops = (fop: string) => {
  const r = parseImagePipeline(fop);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
};

describe('IMAGE_FORMATS: one row per format', () => {
  it('covers every ImageFormat value once', () => {
    const values = Object.values(ImageFormat).filter((v): v is ImageFormat => typeof v === 'number' && v >= 0);
    expect(IMAGE_FORMATS.map((r) => r.format).sort()).toEqual(values.sort());
  });
  it.each(IMAGE_FORMATS.flatMap((r) => [r.name, ...r.aliases].filter(Boolean).map((n) => [n, r.format] as const)))('%s parses to %s and writes back', (name, format) => {
    expect(parseFormat(name)).toBe(format);
    expect(parseFormat(name.toUpperCase())).toBe(format);
    expect(parseFormat(formatName(format) || 'copy')).toBe(format);
  });
  it('names the encoding of the fixed formats only', () => {
    expect(fixedEncoding(ImageFormat.IMAGE_FORMAT_JPEG)).toBe('jpeg');
    expect(fixedEncoding(ImageFormat.IMAGE_FORMAT_TIFF)).toBe('tiff');
    expect(fixedEncoding(ImageFormat.IMAGE_FORMAT_AUTO)).toBeUndefined();
    expect(fixedEncoding(ImageFormat.IMAGE_FORMAT_UNSPECIFIED)).toBeUndefined();
  });
});

describe('negotiatesFormat: does the output depend on Accept', () => {
  it.each([
    ['imageView2/2/w/100/format/auto', true],
    ['imageMogr2/thumbnail/100x/format/auto', true],
    ['imageView2/2/w/100/format/auto|imageInfo', true],
    ['imageView2/2/w/100/format/auto|imageMogr2/format/png', false],
    ['imageView2/2/w/100', false],
    [`watermark/2/text/${Buffer.from('format/auto').toString('base64url')}`, false],
  ])('%s → %s', (fop, expected) => expect(negotiatesFormat(ops(fop))).toBe(expected));
});

describe('parseFop answers what the gateway asks', () => {
  it('parses a video command into its typed operation', () => {
    const p = parseFop('vframe/jpg/offset/3');
    expect(p.family === 'video' && p.result.ok && p.result.value.$case).toBe('vframe');
  });
  it('refuses a video command in a pipeline', () => {
    const p = parseFop('vframe/jpg/offset/3|imageInfo');
    expect(p.family === 'video' && !p.result.ok && p.result.errors).toEqual(['vframe: video operations cannot be part of a pipeline']);
  });
  it('names the command of every family', () => {
    expect(parseFop('imageView2/2/w/1|imageInfo').command).toBe('imageView2');
    expect(parseFop('hls/360').command).toBe('hls');
  });
});
