/**
 * Fuzz cases for the hostile-input suite: URLs built from the operation vocabulary of
 * the gateway (image and video families, pipes, saveas, signatures) with random
 * arguments, mutations and encodings, aimed at real objects so they reach the media
 * services. Seeded, so a failing case can be reproduced from the printed seed.
 */

/** mulberry32: a tiny seeded PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['imageView2', 'imageMogr2', 'imageInfo', 'exif', 'imageAve', 'watermark', 'avinfo', 'vframe', 'avthumb', 'hls', 'saveas', 'imageView', 'x', ''];
const TOKENS = [
  '0', '1', '2', '3', '5', '-1', '100', '4096', '65535', '99999999999', '1e9', '0.5', 'NaN', 'Infinity',
  'w', 'h', 'q', 'format', 'jpg', 'png', 'webp', 'gif', 'mp4', 'webm', 'auto', 'thumbnail', '!50p', '!200x', 'x100', '100x100!',
  'crop', 'rotate', '90', '-361', 'blur', '3x5', '999x999', 'gravity', 'Center', 'NorthWest', 'offset', 'ss', 't', 's', '320x240',
  'r', 'vb', 'ab', 'image', 'aHR0cDovL2V4YW1wbGUuY29tL2EuanBn', 'dissolve', 'strip', 'auto-orient', 'interlace',
  '%', '%zz', '%00', '%ff', '..', '|', '/', '', 'é', '\u0001', '\u202e', '=', '&', ';', "'", '"', '<script>', '${x}', '\\',
];
const SUFFIX = ['/', '|', '%', '!', '=', '&', '#', '?', '\\', ' ', '%7C', '%2F', '%ff', '%0d%0a', '\t'];

/** makeFuzzCases returns `count` request paths against `objects` (e.g. /fuzz/tiny.jpg) and junk paths. */
export function makeFuzzCases(count: number, seed: number, objects: readonly string[]): string[] {
  const rnd = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const op = (): string => {
    let s = pick(NAMES);
    const n = Math.floor(rnd() * 9);
    for (let i = 0; i < n; i++) s += '/' + pick(TOKENS);
    if (rnd() < 0.15) s += '|' + pick(NAMES) + '/' + pick(TOKENS);
    if (rnd() < 0.4) {
      const i = Math.floor(rnd() * (s.length + 1));
      s = rnd() < 0.5 ? s.slice(0, i) + pick(SUFFIX) + s.slice(i) : s.slice(0, i) + s.slice(i + 1 + Math.floor(rnd() * 4));
    }
    if (rnd() < 0.05) s = s.repeat(1 + Math.floor(rnd() * 60));
    return s;
  };
  // Unencoded characters a raw HTTP client may still send; the rest percent-encoded.
  const encode = (s: string) => (rnd() < 0.7 ? encodeURI(s).replace(/%25/g, '%').replace(/#/g, '%23') : encodeURIComponent(s));
  const junkPath = () => {
    const segs = ['fuzz', 'tiny.jpg', '..', '.', '%2e%2e', 'a%00', '%zz', '', 'x'.repeat(300), 'v1', 'jobs', 'buckets', '%2f', '~', '*'];
    return '/' + Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(segs)).join('/');
  };
  const cases: string[] = [];
  while (cases.length < count) {
    const r = rnd();
    if (r < 0.85) cases.push(`${pick(objects)}?${encode(op())}`);
    else if (r < 0.95) cases.push(junkPath() + (rnd() < 0.5 ? `?${encode(op())}` : ''));
    else cases.push(`${pick(objects)}?${encode(op())}&e=${Math.floor(rnd() * 2e9)}&token=${encodeURIComponent(pick(['a:b', ':', 'ak1:', '']))}`);
  }
  return cases;
}
