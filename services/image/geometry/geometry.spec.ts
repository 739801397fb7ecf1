import { describe, expect, it } from 'vitest';
import { Gravity } from '../../../generated/mediamesh/common/v1/common';
import { ThumbnailKind, type Thumbnail } from '../../../generated/mediamesh/image/v1/operations';
import { cropBox } from './crop';
import { imageView2Plan } from './image-view2';
import { effectiveQuality } from './quality';
import { thumbnailSize } from './thumbnail';
import { markBox, markSize } from './watermark';

const gopher = { width: 640, height: 427 };
const portrait = { width: 427, height: 640 };
const r = Math.round;

/** Expected outputs: the doc examples, then the rule computed by hand in the test. */
const VIEW_CASES: Array<[string, { width: number; height: number }, number, number, number, [number, number], [number, number]?]> = [
  // [name, source, mode, w, h, resize, crop]
  ['doc 1/w/200/h/200', gopher, 1, 200, 200, [300, 200], [200, 200]],
  ['doc 2/w/200', gopher, 2, 200, 0, [200, 133], undefined],
  ['doc 2/h/200', gopher, 2, 0, 200, [300, 200], undefined],
  ['doc 0/w/200', gopher, 0, 200, 0, [200, 133], undefined],
  ['doc 0/h/200', gopher, 0, 0, 200, [300, 200], undefined],
  ['0 long/short both', gopher, 0, 300, 100, [r(640 * (100 / 427)), 100], undefined],
  ['0 portrait caps long edge', portrait, 0, 200, 0, [133, 200], undefined],
  ['1 only w = square', gopher, 1, 100, 0, [r(640 * (100 / 427)), 100], [100, 100]],
  ['1 portrait', portrait, 1, 200, 100, [200, 300], [200, 100]],
  ['1 source smaller than box: no enlarge, crop clipped', { width: 100, height: 50 }, 1, 200, 200, [100, 50], [100, 50]],
  ['2 fit both', gopher, 2, 200, 200, [200, 133], undefined],
  ['2 portrait', portrait, 2, 200, 200, [133, 200], undefined],
  ['2 smaller source stays', { width: 100, height: 50 }, 2, 200, 200, [100, 50], undefined],
  ['3 cover no crop', gopher, 3, 200, 200, [300, 200], undefined],
  ['3 only h = square', portrait, 3, 0, 100, [100, r(640 * (100 / 427))], undefined],
  ['3 smaller source stays', { width: 100, height: 50 }, 3, 200, 300, [100, 50], undefined],
  ['4 cover long/short', gopher, 4, 300, 100, [300, r(427 * (300 / 640))], undefined],
  ['4 portrait', portrait, 4, 300, 100, [r(427 * (300 / 640)), 300], undefined],
  ['5 crop along long axis', gopher, 5, 300, 100, [300, r(427 * (300 / 640))], [300, 100]],
  ['5 portrait crop rotates the box', portrait, 5, 300, 100, [r(427 * (300 / 640)), 300], [100, 300]],
  ['5 smaller source', { width: 100, height: 50 }, 5, 300, 200, [100, 50], [100, 50]],
];

describe('imageView2Plan', () => {
  it.each(VIEW_CASES)('%s', (_name, src, mode, width, height, resize, crop) => {
    const plan = imageView2Plan(src, { mode, width, height });
    expect([plan.resize.width, plan.resize.height]).toEqual(resize);
    expect(plan.crop ? [plan.crop.width, plan.crop.height] : undefined).toEqual(crop);
  });
  it('never enlarges (any mode, box bigger than source)', () => {
    for (const mode of [0, 1, 2, 3, 4, 5]) {
      const p = imageView2Plan(gopher, { mode, width: 5000, height: 4000 });
      expect(p.resize.width).toBeLessThanOrEqual(640);
      expect(p.resize.height).toBeLessThanOrEqual(427);
    }
  });
  it('legacy imageView mode 1 enlarges (doc: 500×500 from 640×427)', () => {
    const p = imageView2Plan(gopher, { mode: 1, width: 500, height: 500, legacy: true });
    expect(p.resize).toEqual({ width: r(640 * (500 / 427)), height: 500 });
    expect(p.crop).toEqual({ width: 500, height: 500 });
  });
  it('no w and h keeps the size', () => {
    for (const mode of [0, 1, 2, 3, 4, 5]) expect(imageView2Plan(gopher, { mode, width: 0, height: 0 }).resize).toEqual(gopher);
  });
});

const t = (kind: ThumbnailKind, f: Partial<Thumbnail>): Thumbnail => ({ kind, width: 0, height: 0, percent: 0, area: 0, ...f });
const THUMB_CASES: Array<[string, Thumbnail, { width: number; height: number }, [number, number]]> = [
  ['!75p', t(ThumbnailKind.THUMBNAIL_KIND_SCALE_PERCENT, { percent: 75 }), gopher, [480, 320]],
  ['!75px (doc example: proportional)', t(ThumbnailKind.THUMBNAIL_KIND_WIDTH_PERCENT, { percent: 75 }), gopher, [480, 320]],
  ['!x75p', t(ThumbnailKind.THUMBNAIL_KIND_HEIGHT_PERCENT, { percent: 75 }), gopher, [480, 320]],
  ['700x (enlarges)', t(ThumbnailKind.THUMBNAIL_KIND_WIDTH, { width: 700 }), gopher, [700, 467]],
  ['x467', t(ThumbnailKind.THUMBNAIL_KIND_HEIGHT, { height: 467 }), gopher, [700, 467]],
  ['300x300', t(ThumbnailKind.THUMBNAIL_KIND_FIT, { width: 300, height: 300 }), gopher, [300, 200]],
  ['300x300 portrait', t(ThumbnailKind.THUMBNAIL_KIND_FIT, { width: 300, height: 300 }), portrait, [200, 300]],
  ['!200x200r', t(ThumbnailKind.THUMBNAIL_KIND_COVER, { width: 200, height: 200 }), gopher, [300, 200]],
  ['200x300!', t(ThumbnailKind.THUMBNAIL_KIND_EXACT, { width: 200, height: 300 }), gopher, [200, 300]],
  ['200x300>', t(ThumbnailKind.THUMBNAIL_KIND_SHRINK_ONLY, { width: 200, height: 300 }), gopher, [200, 133]],
  ['800x600> leaves a smaller source', t(ThumbnailKind.THUMBNAIL_KIND_SHRINK_ONLY, { width: 800, height: 600 }), gopher, [640, 427]],
  ['700x600<', t(ThumbnailKind.THUMBNAIL_KIND_ENLARGE_ONLY, { width: 700, height: 600 }), gopher, [700, 467]],
  ['200x200< leaves a bigger source', t(ThumbnailKind.THUMBNAIL_KIND_ENLARGE_ONLY, { width: 200, height: 200 }), gopher, [640, 427]],
  ['350000@', t(ThumbnailKind.THUMBNAIL_KIND_AREA, { area: 350000 }), gopher, [724, 483]],
  ['10000@', t(ThumbnailKind.THUMBNAIL_KIND_AREA, { area: 10000 }), portrait, [Math.floor(427 * Math.sqrt(10000 / (640 * 427))), Math.floor(640 * Math.sqrt(10000 / (640 * 427)))]],
];

describe('thumbnailSize', () => {
  it.each(THUMB_CASES)('%s', (_n, th, src, expected) => {
    const s = thumbnailSize(src, th);
    expect([s.width, s.height]).toEqual(expected);
  });
  it('area form stays within its budget', () => {
    const s = thumbnailSize(gopher, t(ThumbnailKind.THUMBNAIL_KIND_AREA, { area: 350000 }));
    expect(s.width * s.height).toBeLessThanOrEqual(350000);
  });
});

describe('cropBox (doc results on 640×427)', () => {
  const c = (width: number, height: number, dx = 0, dy = 0) => ({ width, height, dx, dy });
  it.each([
    ['300x', c(300, 0), Gravity.GRAVITY_UNSPECIFIED, { left: 0, top: 0, width: 300, height: 427 }],
    ['x200', c(0, 200), Gravity.GRAVITY_UNSPECIFIED, { left: 0, top: 0, width: 640, height: 200 }],
    ['!300x300a30a100', c(300, 300, 30, 100), Gravity.GRAVITY_UNSPECIFIED, { left: 30, top: 100, width: 300, height: 300 }],
    ['!300x300a30-100', c(300, 300, 30, -100), Gravity.GRAVITY_UNSPECIFIED, { left: 30, top: 0, width: 300, height: 200 }],
    ['!300x300-30a100', c(300, 300, -30, 100), Gravity.GRAVITY_UNSPECIFIED, { left: 0, top: 100, width: 270, height: 300 }],
    ['!300x300-30-100', c(300, 300, -30, -100), Gravity.GRAVITY_UNSPECIFIED, { left: 0, top: 0, width: 270, height: 200 }],
    ['!300x400-10a10', c(300, 400, -10, 10), Gravity.GRAVITY_UNSPECIFIED, { left: 0, top: 10, width: 290, height: 400 }],
    ['center 200x200', c(200, 200), Gravity.GRAVITY_CENTER, { left: 220, top: 113, width: 200, height: 200 }],
    ['SouthEast +10+10 moves inward', c(100, 100, 10, 10), Gravity.GRAVITY_SOUTH_EAST, { left: 530, top: 317, width: 100, height: 100 }],
    ['box bigger than image is clipped', c(1000, 1000), Gravity.GRAVITY_UNSPECIFIED, { left: 0, top: 0, width: 640, height: 427 }],
  ])('%s', (_n, crop, gravity, box) => expect(cropBox(gopher, crop, gravity)).toEqual(box));
  it('a box outside the image gives undefined', () => expect(cropBox(gopher, c(10, 10, 700, 0))).toBeUndefined());
});

describe('watermark geometry', () => {
  it('scales by ws on the chosen side (doc: base 250×250, mark 91×61, ws 0.1)', () => {
    expect(markSize({ width: 250, height: 250 }, { width: 91, height: 61 }, 0.1, 0)).toEqual({ width: r(91 * (25 / 61)), height: 25 });
    expect(markSize({ width: 250, height: 250 }, { width: 91, height: 61 }, 0.1, 1)).toEqual({ width: 25, height: r(61 * (25 / 91)) });
    expect(markSize({ width: 250, height: 250 }, { width: 91, height: 61 }, 0, 1)).toEqual({ width: 91, height: 61 });
  });
  it('places by gravity with 10 px default margins', () => {
    expect(markBox(gopher, { width: 50, height: 20 }, Gravity.GRAVITY_UNSPECIFIED)).toEqual({ left: 580, top: 397, width: 50, height: 20 });
    expect(markBox(gopher, { width: 50, height: 20 }, Gravity.GRAVITY_NORTH_WEST, 5, 6)).toEqual({ left: 5, top: 6, width: 50, height: 20 });
    expect(markBox(gopher, { width: 50, height: 20 }, Gravity.GRAVITY_CENTER, 0, 0)).toEqual({ left: 295, top: 203, width: 50, height: 20 });
  });
  it('skips a mark bigger than the image', () => expect(markBox({ width: 10, height: 10 }, { width: 50, height: 20 }, Gravity.GRAVITY_CENTER)).toBeUndefined());
});

describe('effectiveQuality', () => {
  const base = { fallback: 75, sourceArea: 640 * 427, outputArea: 200 * 200, jpegOutput: true };
  it('defaults to 75 for non-JPEG sources', () => expect(effectiveQuality({ ...base, sourceQuality: undefined })).toBe(75));
  it('"!" forces the value', () => expect(effectiveQuality({ ...base, requested: 95, force: true, sourceQuality: 50 })).toBe(95));
  it('caps at the corrected source quality', () => {
    // srcQ 30 at a 6.8× area reduction: 30·sqrt(6.83) ≈ 78 > 75 → 75; at equal size → 30.
    expect(effectiveQuality({ ...base, sourceQuality: 30 })).toBe(75);
    expect(effectiveQuality({ ...base, sourceQuality: 30, outputArea: base.sourceArea })).toBe(30);
  });
  it('caps the correction at 90 unless the source is above 90', () => {
    expect(effectiveQuality({ ...base, requested: 100, sourceQuality: 80 })).toBe(90);
    expect(effectiveQuality({ ...base, requested: 100, sourceQuality: 95 })).toBe(100);
  });
  it('leaves non-JPEG output alone', () => expect(effectiveQuality({ ...base, jpegOutput: false, requested: 60, sourceQuality: 20 })).toBe(60));
});
