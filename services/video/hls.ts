/**
 * HLS adaptive ladder: pick the rungs the source can fill (never upscale; the lowest rung
 * is always kept, at most at the source's height), encode every rung in ONE ffmpeg run
 * (decode once, split, scale per rung) with keyframes forced on segment boundaries so the
 * variants switch cleanly, then write the master playlist ourselves with relative URIs
 * ("360p/index.m3u8"), so the gateway can serve the tree from storage as is.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Hls, HlsRendition } from '../../generated/mediamesh/video/v1/operations';
import { DEFAULT_LADDER_HEIGHTS, defaultAudioBitrate, defaultRendition, defaultVideoBitrate } from '../../fop';
import type { VideoConfig } from './config';
import { noVideoStream } from './errors';
import type { MediaInfo } from './input-guard';

/** Rung is one planned rendition with its output size. */
export interface Rung extends HlsRendition {
  readonly width: number;
  /** Folder name and playlist label: "<height>p". */
  readonly name: string;
}

/** planLadder chooses the rungs for this source. */
export function planLadder(hls: Hls, info: MediaInfo): Rung[] {
  if (!info.video) throw noVideoStream('hls');
  const { width: sw, height: sh } = info.video;
  const asked = (hls.renditions.length ? hls.renditions : DEFAULT_LADDER_HEIGHTS.map(defaultRendition)).slice().sort((a, b) => a.height - b.height);
  let kept = asked.filter((r) => r.height <= sh);
  if (kept.length === 0) {
    const lowest = asked[0]!;
    const height = even(Math.min(lowest.height, sh));
    kept = [{ ...lowest, height, videoBitrate: Math.min(lowest.videoBitrate || defaultVideoBitrate(height), defaultVideoBitrate(height)) }];
  }
  return kept.map((r) => {
    const height = even(r.height);
    return {
      height,
      width: even(Math.round((sw * height) / sh)),
      videoBitrate: r.videoBitrate || defaultVideoBitrate(height),
      audioBitrate: r.audioBitrate || defaultAudioBitrate(height),
      name: `${height}p`,
    };
  });
}

/** segmentSeconds is the target segment length (0 = 4 s). */
export const segmentSeconds = (hls: Hls): number => hls.segmentSeconds || 4;

/** hlsOutputOptions builds the single-run ladder encode into outDir/<name>/index.m3u8 + segments. */
export function hlsOutputOptions(rungs: readonly Rung[], info: MediaInfo, seg: number, outDir: string, config: VideoConfig): string[] {
  const split = rungs.length > 1 ? `[0:${info.video!.index}]split=${rungs.length}${rungs.map((_, i) => `[s${i}]`).join('')};` : '';
  const scales = rungs.map((r, i) => `[${rungs.length > 1 ? `s${i}` : `0:${info.video!.index}`}]scale=${r.width}:${r.height}[v${i}]`).join(';');
  const args = ['-filter_complex', split + scales];
  rungs.forEach((r, i) => {
    args.push('-map', `[v${i}]`, `-c:v:${i}`, 'libx264', `-b:v:${i}`, String(r.videoBitrate));
    args.push(`-maxrate:v:${i}`, String(Math.round(r.videoBitrate * 1.1)), `-bufsize:v:${i}`, String(Math.round(r.videoBitrate * 1.5)));
    if (info.audio) args.push('-map', `0:${info.audio.index}`, `-c:a:${i}`, 'aac', `-b:a:${i}`, String(r.audioBitrate), `-ac:a:${i}`, '2');
  });
  args.push('-preset', config.x264Preset, '-pix_fmt', 'yuv420p', '-sc_threshold', '0', '-force_key_frames', `expr:gte(t,n_forced*${seg})`);
  if (config.threads) args.push('-threads', String(config.threads));
  const streamMap = rungs.map((r, i) => `v:${i}${info.audio ? `,a:${i}` : ''},name:${r.name}`).join(' ');
  args.push(
    '-f', 'hls',
    '-hls_time', String(seg),
    '-hls_playlist_type', 'vod',
    '-hls_flags', 'independent_segments',
    '-hls_segment_filename', path.join(outDir, '%v', 'seg_%05d.ts'),
    '-var_stream_map', streamMap,
  );
  return args;
}

/** hlsVariantTarget is the output path pattern ffmpeg fills per variant. */
export const hlsVariantTarget = (outDir: string): string => path.join(outDir, '%v', 'index.m3u8');

/** masterPlaylist lists the rungs, lowest first, with bandwidth and resolution. */
export function masterPlaylist(rungs: readonly Rung[], withAudio: boolean): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const r of rungs) {
    const avg = r.videoBitrate + (withAudio ? r.audioBitrate : 0);
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${Math.round(avg * 1.1)},AVERAGE-BANDWIDTH=${avg},RESOLUTION=${r.width}x${r.height}`, `${r.name}/index.m3u8`);
  }
  return lines.join('\n') + '\n';
}

/** listOutputs returns every file under outDir (relative paths), segments first and the master last, the upload order. */
export async function listOutputs(outDir: string): Promise<string[]> {
  const files = (await fs.readdir(outDir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => path.relative(outDir, path.join(d.parentPath, d.name)));
  const rank = (f: string) => (f === 'master.m3u8' ? 2 : f.endsWith('.m3u8') ? 1 : 0);
  return files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** contentTypeOf gives the MIME type of an HLS output file. */
export const contentTypeOf = (file: string): string => (file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t');

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
