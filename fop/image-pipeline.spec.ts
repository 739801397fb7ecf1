import { describe, expect, it } from 'vitest';
import { ImageOperation } from '../generated/mediamesh/image/v1/operations';
import { classifyFop, parseFop } from './classify';
import { formatImagePipeline, parseImagePipeline } from './image-pipeline';
import { encodeUrlSafeBase64 } from './base64';

const b64 = encodeUrlSafeBase64;

/** Every form of every command, each round-tripped through the protobuf wire form. */
const VALID: string[] = [
  'imageView2/1/w/200/h/200',
  'imageView2/2/w/200',
  'imageView2/2/h/200',
  'imageView2/0/w/200/h/100/format/webp/interlace/1/q/55!/colors/64/ignore-error/1',
  'imageView2/3/w/10/h/20/q/90',
  'imageView2/4/w/300/h/200/format/auto',
  'imageView2/5/w/300/h/200/format/copy',
  'imageView/1/w/500/h/500/q/85',
  'imageView2/2/w/200/',
  'imageMogr2/auto-orient/thumbnail/!256x256r/gravity/center/crop/!256x256/blur/3x9/quality/80/rotate/45/background/' + b64('orange'),
  'imageMogr2/thumbnail/!75p',
  'imageMogr2/thumbnail/!75px',
  'imageMogr2/thumbnail/!x75p',
  'imageMogr2/thumbnail/700x',
  'imageMogr2/thumbnail/x467',
  'imageMogr2/thumbnail/300x300',
  'imageMogr2/thumbnail/200x300!',
  'imageMogr2/thumbnail/200x300>',
  'imageMogr2/thumbnail/700x600<',
  'imageMogr2/thumbnail/350000@',
  'imageMogr2/crop/300x',
  'imageMogr2/crop/x200',
  'imageMogr2/crop/!300x300a30-100',
  'imageMogr2/crop/!300x400-10a10',
  'imageMogr2/crop/!300x300-30-100',
  'imageMogr2/strip/format/png/interlace/0/size-limit/15k!/sharpen/1/density/300/colors/16',
  'imageMogr2/extent/400x300/border/5x10/bordercolor/' + b64('#FF0000'),
  'imageMogr2/extent/!400x300a10-5/ignore-error/1',
  'watermark/1/image/' + b64('kodo://demo/logo.png') + '/dissolve/50/gravity/SouthEast/dx/20/dy/20/ws/0.1/wst/1',
  'watermark/1/image/' + b64('/demo/marks/logo.png'),
  'watermark/2/text/' + b64('七牛云存储') + '/font/' + b64('宋体') + '/fontsize/1000/fill/' + b64('white') + '/dissolve/85/gravity/North/dx/0/dy/-3',
  'watermark/3/image/' + b64('kodo://demo/logo.png') + '/gravity/NorthWest/text/' + b64('hi') + '/fontsize/400',
  'imageInfo',
  'exif',
  'imageAve',
  'imageView2/2/w/200|imageMogr2/rotate/90|watermark/2/text/' + b64('x') + '|imageInfo',
];

describe('parseImagePipeline round trip', () => {
  it.each(VALID)('%s', (fop) => {
    const first = parseImagePipeline(fop);
    expect(first.ok, JSON.stringify(first)).toBe(true);
    if (!first.ok) return;
    // parse → message (through the protobuf wire form) → string → parse gives the same message.
    const wire = first.value.map((op) => ImageOperation.decode(ImageOperation.encode(op).finish()));
    const text = formatImagePipeline(wire);
    const second = parseImagePipeline(text);
    expect(second.ok, text).toBe(true);
    if (second.ok) expect(second.value.map((op) => ImageOperation.toJSON(op))).toEqual(first.value.map((op) => ImageOperation.toJSON(op)));
  });
});

describe('parseImagePipeline values', () => {
  it('reads imageView2 options', () => {
    const r = parseImagePipeline('imageView2/1/w/200/h/150/q/55!/format/jpeg/interlace/1');
    expect(r.ok && r.value[0].op).toEqual({
      $case: 'imageView2',
      value: { mode: 1, width: 200, height: 150, format: 1, interlace: true, quality: { value: 55, force: true }, colors: 0, ignoreError: false, legacy: false },
    });
  });
  it('marks the old imageView as legacy', () => {
    const r = parseImagePipeline('imageView/2/w/100');
    expect(r.ok && r.value[0].op?.$case === 'imageView2' && r.value[0].op.value.legacy).toBe(true);
  });
  it('keeps imageMogr2 parameters in URL order and de-escapes geometry', () => {
    const r = parseImagePipeline('imageMogr2/crop/!300x400-10a10/auto-orient/thumbnail/!50x60r');
    expect(r.ok).toBe(true);
    if (!r.ok || r.value[0].op?.$case !== 'imageMogr2') return;
    expect(r.value[0].op.value.steps.map((s) => s.step?.$case)).toEqual(['crop', 'autoOrient', 'thumbnail']);
    expect(r.value[0].op.value.steps[0].step).toEqual({ $case: 'crop', value: { width: 300, height: 400, dx: -10, dy: 10 } });
    expect(r.value[0].op.value.steps[2].step).toEqual({ $case: 'thumbnail', value: { kind: 7, width: 50, height: 60, percent: 0, area: 0 } });
  });
  it('decodes Base64 with and without padding', () => {
    const padded = b64('kodo://demo/abc.png');
    expect(padded.endsWith('=')).toBe(true);
    for (const arg of [padded, padded.replace(/=+$/, '')]) {
      const r = parseImagePipeline(`watermark/1/image/${arg}`);
      expect(r.ok && r.value[0].op?.$case === 'watermark' && r.value[0].op.value.layers[0].content).toEqual({ $case: 'image', value: { bucket: 'demo', key: 'abc.png' } });
    }
  });
  it('opens a new watermark/3 layer at each image or text key', () => {
    const r = parseImagePipeline(`watermark/3/image/${b64('/demo/a.png')}/dx/5/text/${b64('t')}/dx/7`);
    expect(r.ok).toBe(true);
    if (r.ok && r.value[0].op?.$case === 'watermark') expect(r.value[0].op.value.layers.map((l) => l.dx)).toEqual([5, 7]);
  });
});

/** Every error path: the message names the operation and the parameter. */
const ERRORS: Array<[string, string]> = [
  ['imageView2/1/w/abc', 'imageView2: w: expected a positive integer, got "abc"'],
  ['imageView2/1/w/0', 'imageView2: w: expected a positive integer, got "0"'],
  ['imageView2/1/h/-5', 'imageView2: h: expected a positive integer, got "-5"'],
  ['imageView2/1/w/100000', 'imageView2: w: expected a positive integer of at most 99999'],
  ['imageView2/format/webp', 'imageView2: mode: expected an integer from 0 to 5, got "format"'],
  ['imageView2', 'imageView2: mode: missing'],
  ['imageView2/6/w/1', 'imageView2: mode: expected an integer from 0 to 5, got "6"'],
  ['imageView2/1/q/101', 'imageView2: q: expected a quality from 1 to 100'],
  ['imageView2/1/q/0!', 'imageView2: q: expected a quality from 1 to 100'],
  ['imageView2/1/format/bmp', 'imageView2: format: unsupported output format "bmp"'],
  ['imageView2/1/interlace/2', 'imageView2: interlace: expected 0 or 1, got "2"'],
  ['imageView2/1/colors/1', 'imageView2: colors: expected an integer from 2 to 256, got "1"'],
  ['imageView2/1/ignore-error/yes', 'imageView2: ignore-error: expected 0 or 1'],
  ['imageView2/1/w', 'imageView2: w: missing value'],
  ['imageView2/1/zoom/2', 'imageView2: unknown parameter "zoom"'],
  ['imageView2/1//w/2', 'imageView2: empty parameter'],
  ['imageMogr2', 'imageMogr2: no parameters given'],
  ['imageMogr2/thumbnail/abc', 'imageMogr2: thumbnail: expected a geometry'],
  ['imageMogr2/thumbnail/0x10', 'imageMogr2: thumbnail: size 0 out of range 1..9999'],
  ['imageMogr2/thumbnail/!1000p', 'imageMogr2: thumbnail: size 1000 out of range 1..999'],
  ['imageMogr2/thumbnail/25000000@', 'imageMogr2: thumbnail: size 25000000 out of range'],
  ['imageMogr2/crop/x', 'imageMogr2: crop: expected a crop geometry'],
  ['imageMogr2/crop/10001x5', 'imageMogr2: crop: size 10001 out of range 1..10000'],
  ['imageMogr2/crop/!10x10a5', 'imageMogr2: crop: expected a crop geometry'],
  ['imageMogr2/gravity/middle', 'imageMogr2: gravity: expected a gravity (NorthWest'],
  ['imageMogr2/rotate/0', 'imageMogr2: rotate: expected an integer from 1 to 360, got "0"'],
  ['imageMogr2/rotate/361', 'imageMogr2: rotate: expected an integer from 1 to 360'],
  ['imageMogr2/blur/0x2', 'imageMogr2: blur: expected <radius>x<sigma>'],
  ['imageMogr2/blur/3x0', 'imageMogr2: blur: expected <radius>x<sigma>'],
  ['imageMogr2/quality/abc', 'imageMogr2: quality: expected a quality from 1 to 100'],
  ['imageMogr2/size-limit/15q', 'imageMogr2: size-limit: expected a size such as 15k'],
  ['imageMogr2/size-limit/$(fsize)', 'imageMogr2: size-limit: magic variables'],
  ['imageMogr2/background/!!!', 'imageMogr2: background: expected URL-safe Base64, got "!!!"'],
  ['imageMogr2/background/' + b64('mauve'), 'imageMogr2: background: expected a Base64-encoded colour name'],
  ['imageMogr2/extent/10', 'imageMogr2: extent: expected an extent geometry'],
  ['imageMogr2/border/0x0', 'imageMogr2: border: expected <w>x<h>'],
  ['imageMogr2/density/0', 'imageMogr2: density: expected an integer from 1 to 1200'],
  ['imageMogr2/colors/300', 'imageMogr2: colors: expected an integer from 2 to 256'],
  ['imageMogr2/sharpen/x', 'imageMogr2: sharpen: expected 0 or 1'],
  ['imageMogr2/flip', 'imageMogr2: unknown parameter "flip"'],
  ['imageMogr2/rotate', 'imageMogr2: rotate: missing value'],
  ['imageMogr2/ignore-error', 'imageMogr2: ignore-error: missing value'],
  ['watermark/4/text/eA==', 'watermark: mode: expected 1 (image), 2 (text) or 3 (several), got "4"'],
  ['watermark/1/image/' + b64('http://evil.example/x.png'), 'watermark: image: remote URLs are not fetched'],
  ['watermark/1/image/' + b64('kodo://BAD_bucket/x.png'), 'watermark: image: expected kodo://<bucket>/<key>'],
  ['watermark/1/image/' + b64('/demo/../etc/passwd'), 'watermark: image: expected kodo://<bucket>/<key>'],
  ['watermark/1/dissolve/50', 'watermark: dissolve: comes before any image or text'],
  ['watermark/1', 'watermark: image: missing (required)'],
  ['watermark/2/text/' + b64('a') + '/dissolve/0', 'watermark: dissolve: expected an integer from 1 to 100'],
  ['watermark/2/text/' + b64('a') + '/ws/1.5', 'watermark: ws: expected a number above 0 up to 1'],
  ['watermark/2/text/' + b64('a') + '/wst/4', 'watermark: wst: expected an integer from 0 to 3'],
  ['watermark/2/text/' + b64('a') + '/gravity/up', 'watermark: gravity: expected a gravity'],
  ['watermark/2/text/' + b64('a') + '/blur/3', 'watermark: unknown parameter "blur"'],
  ['watermark/2/text/' + b64('a') + '/dx', 'watermark: dx: missing value'],
  ['watermark/1/image/' + b64('/demo/a.png') + '/font/' + b64('x'), 'watermark: font: only applies to a text mark'],
  ['watermark/1/image/' + b64('/demo/a.png') + '/text/' + b64('x'), 'watermark: text: not allowed in watermark/1'],
  ['watermark/2/text/', 'watermark: text: missing value'],
  ['watermark/2/text/@@', 'watermark: text: expected URL-safe Base64, got "@@"'],
  ['imageInfo/1', 'imageInfo: takes no parameters'],
  ['imageInfo|imageView2/2/w/1', 'stage 1: imageInfo: must be the last stage'],
  ['imageView2/2/w/1|exif', 'stage 2: exif: must be the only stage'],
  ['imageView2/2/w/1|imageAve', 'stage 2: imageAve: must be the only stage'],
  ['imageView2/2/w/1|rotate/90', 'stage 2: unknown image command "rotate"'],
  ['', 'empty operation'],
];

describe('parseImagePipeline errors', () => {
  it.each(ERRORS)('%s', (fop, message) => {
    const r = parseImagePipeline(fop);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toContain(message);
  });
  it('collects every error, not just the first', () => {
    const r = parseImagePipeline('imageView2/1/w/abc/h/0/q/200');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toHaveLength(3);
  });
});

describe('classifyFop / parseFop', () => {
  it.each([
    ['imageView2/1/w/2', 'image'],
    ['imageMogr2/rotate/90|imageInfo', 'image'],
    ['?imageInfo', 'image'],
    ['avinfo', 'video'],
    ['vframe/jpg/offset/3', 'video'],
    ['avthumb/mp4', 'video'],
    ['imageView2format/webp', 'unknown'],
    ['', 'unknown'],
  ])('%s → %s', (q, family) => expect(classifyFop(q)).toBe(family));
  it('decodes an encoded pipe before splitting', () => {
    const p = parseFop('imageView2/2/w/200%7CimageInfo');
    expect(p.family === 'image' && p.result.ok && p.result.value.length).toBe(2);
  });
  it('names the command of a video query', () => {
    expect(parseFop('vframe/jpg/offset/3')).toMatchObject({ family: 'video', command: 'vframe' });
  });
});
