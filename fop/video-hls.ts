/**
 * hls URL syntax (mediamesh's adaptive ladder job): "hls[/<h1>,<h2>,...][/segtime/<s>][/vb/<b1>,<b2>,...][/ab/<b1>,...]".
 * "hls" alone is the default 360p/720p/1080p ladder; heights give their default bitrates
 * unless vb/ab lists (one entry per height) override them.
 */
import type { Hls, HlsRendition } from '../generated/mediamesh/video/v1/operations';
import { formatBitrate, noteDuplicate, parseBitrate, parseIntIn, result, splitFop, type VideoValidationResult } from './video-params';
import { invalid } from './validation';

/** DEFAULT_LADDER is used when no heights are given. */
export const DEFAULT_LADDER_HEIGHTS = [360, 720, 1080] as const;

/** LADDER_BITRATES gives the default video bitrate of common heights (H.264, 30 fps). */
const LADDER_BITRATES: ReadonlyArray<readonly [height: number, bps: number]> = [
  [144, 200_000],
  [240, 400_000],
  [360, 800_000],
  [480, 1_400_000],
  [720, 2_800_000],
  [1080, 5_000_000],
  [1440, 8_000_000],
  [2160, 14_000_000],
];

/** defaultVideoBitrate is the bitrate of the nearest ladder height at or below h (scaled by area below 144p). */
export function defaultVideoBitrate(height: number): number {
  let best = LADDER_BITRATES[0]!;
  for (const rung of LADDER_BITRATES) if (rung[0] <= height) best = rung;
  return height < best[0] ? Math.max(100_000, Math.round((best[1] * height * height) / (best[0] * best[0]) / 1000) * 1000) : best[1];
}

/** defaultAudioBitrate is 96k up to 360p, 128k above. */
export const defaultAudioBitrate = (height: number): number => (height <= 360 ? 96_000 : 128_000);

/** defaultRendition is a rung with the default bitrates of its height. */
export function defaultRendition(height: number): HlsRendition {
  return { height, videoBitrate: defaultVideoBitrate(height), audioBitrate: defaultAudioBitrate(height) };
}

/** parseHls parses "hls", "hls/360,720", "hls/360,720/segtime/6/vb/700k,2m"; errors name the parameter. */
export function parseHls(text: string): VideoValidationResult<Hls> {
  const errors: string[] = [];
  const tokens = text.replace(/\/$/, '').split('/');
  if (tokens[0] !== 'hls') return invalid([`hls: not an hls operation: "${tokens[0]}"`]);
  // The heights list is positional and optional: it is there when the token is not a known key.
  const hasHeights = tokens.length > 1 && /^[\d,]+$/.test(tokens[1]!);
  const { pairs } = splitFop(text, hasHeights, errors);
  const heights = hasHeights ? tokens[1]!.split(',').map((h, i) => parseIntIn(`hls/heights[${i}]`, h, 64, 4320, errors)) : [...DEFAULT_LADDER_HEIGHTS];
  if (heights.length > 6) errors.push(`hls/heights: at most 6 renditions, got ${heights.length}`);
  if (new Set(heights).size !== heights.length) errors.push('hls/heights: a height is listed twice');
  const out: Hls = { renditions: heights.map(defaultRendition), segmentSeconds: 0 };
  const seen = new Set<string>();
  for (const [key, value] of pairs) {
    const where = `hls/${key}`;
    noteDuplicate(seen, where, key, errors);
    if (key === 'segtime') out.segmentSeconds = parseIntIn(where, value, 1, 60, errors);
    else if (key === 'vb' || key === 'ab') {
      const list = value.split(',');
      if (list.length !== heights.length) errors.push(`${where}: expected ${heights.length} bitrates (one per height), got ${list.length}`);
      else list.forEach((b, i) => (out.renditions[i]![key === 'vb' ? 'videoBitrate' : 'audioBitrate'] = parseBitrate(`${where}[${i}]`, b, errors)));
    } else errors.push(`${where}: unknown parameter (known: segtime, vb, ab)`);
  }
  return result(out, errors);
}

/** validateHls checks a typed Hls from gRPC callers. */
export function validateHls(h: Hls): string[] {
  const errors: string[] = [];
  if (h.renditions.length > 6) errors.push(`hls/renditions: at most 6, got ${h.renditions.length}`);
  h.renditions.forEach((r, i) => {
    if (r.height < 64 || r.height > 4320) errors.push(`hls/renditions[${i}].height: expected 64..4320, got ${r.height}`);
    if (r.videoBitrate && (r.videoBitrate < 1000 || r.videoBitrate > 200e6)) errors.push(`hls/renditions[${i}].video_bitrate: expected 1k..200m`);
  });
  if (h.segmentSeconds > 60) errors.push(`hls/segtime: expected 1..60, got ${h.segmentSeconds}`);
  return errors;
}

/** formatHls writes the URL form; parseHls(formatHls(h)) equals h for any rendition list. */
export function formatHls(h: Hls): string {
  const heights = h.renditions.map((r) => r.height);
  const isDefaultHeights = heights.join(',') === DEFAULT_LADDER_HEIGHTS.join(',');
  const p = ['hls'];
  if (!isDefaultHeights && heights.length) p.push(heights.join(','));
  if (h.segmentSeconds) p.push('segtime', String(h.segmentSeconds));
  if (h.renditions.some((r) => r.videoBitrate !== defaultVideoBitrate(r.height))) p.push('vb', h.renditions.map((r) => formatBitrate(r.videoBitrate)).join(','));
  if (h.renditions.some((r) => r.audioBitrate !== defaultAudioBitrate(r.height))) p.push('ab', h.renditions.map((r) => formatBitrate(r.audioBitrate)).join(','));
  return p.join('/');
}
