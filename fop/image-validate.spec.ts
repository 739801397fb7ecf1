import { describe, expect, it } from 'vitest';
import { ImageOperation, ThumbnailKind } from '../generated/mediamesh/image/v1/operations';
import { encodeUrlSafeBase64 as b64 } from './base64';
import { parseImagePipeline, validateImagePipeline } from './image-pipeline';

/** parsed is the typed form of a valid URL operation, taken through the wire as a gRPC caller's would be. */
function parsed(fop: string): ImageOperation[] {
  const r = parseImagePipeline(fop);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value.map((op) => ImageOperation.decode(ImageOperation.encode(op).finish()));
}

/** A typed operation made wrong in one field: the message is the one its URL form gets. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mutators reach into every message shape
type Mutation = [what: string, fop: string, mutate: (op: any) => void, message: string];

const MUTATIONS: Mutation[] = [
  ['imageView2 mode', 'imageView2/1/w/2', (o) => (o.imageView2.mode = 9), 'imageView2: mode: expected an integer from 0 to 5, got "9"'],
  ['imageView mode (legacy)', 'imageView/1/w/2', (o) => (o.imageView2.mode = 6), 'imageView: mode: expected an integer from 0 to 5, got "6"'],
  ['imageView2 w', 'imageView2/1/w/2', (o) => (o.imageView2.width = 100_000), 'imageView2: w: expected a positive integer of at most 99999'],
  ['imageView2 q', 'imageView2/1/q/50', (o) => (o.imageView2.quality.value = 101), 'imageView2: q: expected a quality from 1 to 100'],
  ['imageView2 format', 'imageView2/1/w/2', (o) => (o.imageView2.format = 99), 'imageView2: format: unknown output format 99'],
  ['imageView2 colors', 'imageView2/1/colors/16', (o) => (o.imageView2.colors = 1), 'imageView2: colors: expected an integer from 2 to 256, got "1"'],
  ['mogr2 no steps', 'imageMogr2/strip', (o) => (o.imageMogr2.steps = []), 'imageMogr2: no parameters given'],
  ['thumbnail side', 'imageMogr2/thumbnail/10x10', (o) => (o.imageMogr2.steps[0].step.value.width = 0), 'imageMogr2: thumbnail: size 0 out of range 1..9999'],
  ['thumbnail percent', 'imageMogr2/thumbnail/!50p', (o) => (o.imageMogr2.steps[0].step.value.percent = 1000), 'imageMogr2: thumbnail: size 1000 out of range 1..999'],
  ['thumbnail area', 'imageMogr2/thumbnail/400@', (o) => (o.imageMogr2.steps[0].step.value.area = 25_000_000), 'imageMogr2: thumbnail: size 25000000 out of range'],
  ['thumbnail kind', 'imageMogr2/thumbnail/10x10', (o) => (o.imageMogr2.steps[0].step.value.kind = ThumbnailKind.THUMBNAIL_KIND_UNSPECIFIED), 'imageMogr2: thumbnail: expected a geometry'],
  ['crop side', 'imageMogr2/crop/10x5', (o) => (o.imageMogr2.steps[0].step.value.width = 10_001), 'imageMogr2: crop: size 10001 out of range 1..10000'],
  ['crop empty', 'imageMogr2/crop/10x5', (o) => Object.assign(o.imageMogr2.steps[0].step.value, { width: 0, height: 0 }), 'imageMogr2: crop: expected a crop geometry'],
  ['gravity', 'imageMogr2/gravity/north', (o) => (o.imageMogr2.steps[0].step.value = 42), 'imageMogr2: gravity: expected a gravity (NorthWest'],
  ['rotate', 'imageMogr2/rotate/90', (o) => (o.imageMogr2.steps[0].step.value = 0), 'imageMogr2: rotate: expected an integer from 1 to 360, got "0"'],
  ['format', 'imageMogr2/format/png', (o) => (o.imageMogr2.steps[0].step.value = 42), 'imageMogr2: format: unknown output format 42'],
  ['blur', 'imageMogr2/blur/3x2', (o) => (o.imageMogr2.steps[0].step.value.radius = 0), 'imageMogr2: blur: expected <radius>x<sigma>'],
  ['quality', 'imageMogr2/quality/80', (o) => (o.imageMogr2.steps[0].step.value.value = 0), 'imageMogr2: quality: expected a quality from 1 to 100'],
  ['size-limit', 'imageMogr2/size-limit/15k', (o) => (o.imageMogr2.steps[0].step.value.bytes = 0), 'imageMogr2: size-limit: expected a size such as 15k'],
  ['background', `imageMogr2/background/${b64('white')}`, (o) => (o.imageMogr2.steps[0].step.value = 'mauve'), 'imageMogr2: background: expected a Base64-encoded colour name'],
  ['extent', 'imageMogr2/extent/40x30', (o) => (o.imageMogr2.steps[0].step.value.width = 0), 'imageMogr2: extent: size 0 out of range 1..9999'],
  ['border', 'imageMogr2/border/5x5', (o) => Object.assign(o.imageMogr2.steps[0].step.value, { width: 0, height: 0 }), 'imageMogr2: border: expected <w>x<h>'],
  ['bordercolor', `imageMogr2/bordercolor/${b64('red')}`, (o) => (o.imageMogr2.steps[0].step.value = 'ruby'), 'imageMogr2: bordercolor: expected a Base64-encoded colour name'],
  ['density', 'imageMogr2/density/300', (o) => (o.imageMogr2.steps[0].step.value = 0), 'imageMogr2: density: expected an integer from 1 to 1200'],
  ['colors', 'imageMogr2/colors/16', (o) => (o.imageMogr2.steps[0].step.value = 300), 'imageMogr2: colors: expected an integer from 2 to 256'],
  ['watermark layers', `watermark/2/text/${b64('a')}`, (o) => (o.watermark.layers = []), 'watermark: image: missing (required)'],
  ['mark bucket', `watermark/1/image/${b64('/demo/a.png')}`, (o) => (o.watermark.layers[0].content.value.bucket = 'BAD_bucket'), 'watermark: image: expected kodo://<bucket>/<key>'],
  ['mark key', `watermark/1/image/${b64('/demo/a.png')}`, (o) => (o.watermark.layers[0].content.value.key = '../etc/passwd'), 'watermark: image: expected kodo://<bucket>/<key>'],
  ['mark text', `watermark/2/text/${b64('a')}`, (o) => (o.watermark.layers[0].content.value.text = ''), 'watermark: text: empty text'],
  ['mark dissolve', `watermark/2/text/${b64('a')}`, (o) => (o.watermark.layers[0].dissolve = 101), 'watermark: dissolve: expected an integer from 1 to 100'],
  ['mark ws', `watermark/2/text/${b64('a')}`, (o) => (o.watermark.layers[0].ws = 1.5), 'watermark: ws: expected a number above 0 up to 1'],
  ['mark wst', `watermark/2/text/${b64('a')}`, (o) => (o.watermark.layers[0].wst = 4), 'watermark: wst: expected an integer from 0 to 3'],
  ['mark gravity', `watermark/2/text/${b64('a')}`, (o) => (o.watermark.layers[0].gravity = 42), 'watermark: gravity: expected a gravity'],
  ['mark dx', `watermark/2/text/${b64('a')}`, (o) => (o.watermark.layers[0].dx = 10_000), 'watermark: dx: expected an integer from -9999 to 9999'],
  ['mark content', `watermark/2/text/${b64('a')}`, (o) => (o.watermark.layers[0].content = undefined), 'watermark: a layer has neither image nor text'],
];

describe('validateImagePipeline (typed operations, never formatted and parsed again)', () => {
  it.each(MUTATIONS)('%s', (_what, fop, mutate, message) => {
    const ops = parsed(fop);
    expect(validateImagePipeline(ops).ok).toBe(true);
    // The mutators address the operation's value by its case name ({ imageView2: value }).
    mutate({ [ops[0].op!.$case]: ops[0].op!.value });
    const r = validateImagePipeline(ops);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toContain(message);
  });

  it('answers the same message as the URL form for the same mistake', () => {
    const url = parseImagePipeline('imageView2/1/colors/1');
    const typed = parsed('imageView2/1/colors/16');
    if (typed[0].op?.$case === 'imageView2') typed[0].op.value.colors = 1;
    const r = validateImagePipeline(typed);
    expect(!url.ok && !r.ok && r.errors).toEqual(!url.ok && url.errors);
  });

  it('returns the operations it was given', () => {
    const ops = parsed('imageView2/2/w/200|imageMogr2/rotate/90|imageInfo');
    const r = validateImagePipeline(ops);
    expect(r.ok && r.value.every((op, i) => op === ops[i])).toBe(true);
  });

  it.each([
    [[] as ImageOperation[], 'no operations: give fop or operations'],
    [[{ op: undefined }], 'operation not set'],
    [[...parsed('imageInfo'), ...parsed('imageView2/2/w/1')], 'stage 1: imageInfo: must be the last stage'],
    [[...parsed('imageView2/2/w/1'), ...parsed('exif')], 'stage 2: exif: must be the only stage'],
    [[...parsed('imageView2/2/w/1'), ...parsed('imageAve')], 'stage 2: imageAve: must be the only stage'],
  ])('checks the pipeline: %#', (ops, message) => {
    const r = validateImagePipeline(ops);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toContain(message);
  });
});
