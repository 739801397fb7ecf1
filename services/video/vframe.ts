/**
 * vframe (Snapshot): one frame at an offset. Seeks on the input (-ss before -i: ffmpeg
 * jumps to the keyframe before the offset instead of decoding from the start), lets
 * ffmpeg's autorotate honour the stream's rotation, then applies the extra rotation and
 * the size. Offsets at or past the end are OUT_OF_RANGE.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Vframe } from '../../generated/mediamesh/video/v1/operations';
import type { SnapshotResponse } from '../../generated/mediamesh/video/v1/video';
import { frameFormatName } from '../../fop';
import type { VideoConfig } from './config';
import { noVideoStream, offsetPastEnd } from './errors';
import { runFfmpeg } from './ffmpeg-run';
import type { MediaInfo } from './input-guard';

const ENCODERS = { jpg: ['-c:v', 'mjpeg', '-q:v', '3', '-pix_fmt', 'yuvj420p'], png: ['-c:v', 'png'], webp: ['-c:v', 'libwebp', '-quality', '80'] } as const;
const MIME = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;

/** frameFilters builds the -vf chain: extra clockwise rotation, then the size (so w/h are the output's). */
export function frameFilters(v: Vframe): string[] {
  const f: string[] = [];
  if (v.rotate === 90) f.push('transpose=clock');
  if (v.rotate === 180) f.push('hflip', 'vflip');
  if (v.rotate === 270) f.push('transpose=cclock');
  if (v.width || v.height) f.push(`scale=${v.width || -1}:${v.height || -1}`);
  return f;
}

/** frameSize predicts the output size the way ffmpeg's scale filter computes it (rounded rescale). */
export function frameSize(v: Vframe, info: MediaInfo): { width: number; height: number } {
  const turned = v.rotate === 90 || v.rotate === 270;
  const w0 = turned ? info.video!.height : info.video!.width;
  const h0 = turned ? info.video!.width : info.video!.height;
  if (v.width && v.height) return { width: v.width, height: v.height };
  if (v.width) return { width: v.width, height: Math.max(1, Math.round((v.width * h0) / w0)) };
  if (v.height) return { width: Math.max(1, Math.round((v.height * w0) / h0)), height: v.height };
  return { width: w0, height: h0 };
}

/** snapshot grabs the frame into dir and returns it. */
export async function snapshot(
  config: VideoConfig,
  input: { file: string; info: MediaInfo },
  v: Vframe,
  dir: string,
  signal: AbortSignal,
): Promise<SnapshotResponse> {
  const { info } = input;
  if (!info.video) throw noVideoStream('vframe');
  if (v.offset >= info.duration) throw offsetPastEnd(v.offset, info.duration);
  const fmt = frameFormatName(v.format)!;
  const output = path.join(dir, `frame.${fmt}`);
  const filters = frameFilters(v);
  await runFfmpeg({
    ffmpegPath: config.ffmpegPath,
    op: 'vframe',
    input: input.file,
    inputOptions: ['-ss', String(v.offset)],
    outputOptions: ['-map', `0:${info.video.index}`, '-frames:v', '1', ...(filters.length ? ['-vf', filters.join(',')] : []), ...ENCODERS[fmt], '-f', 'image2', '-update', '1'],
    output,
    limits: config,
    signal,
    timeoutMs: config.callTimeoutMs,
    timeoutVariable: 'MEDIAMESH_VIDEO_CALL_TIMEOUT_MS',
  });
  const data = await fs.readFile(output).catch(() => Buffer.alloc(0));
  // The last frame can start before a duration that the container rounds up: nothing decoded there.
  if (data.length === 0) throw offsetPastEnd(v.offset, info.duration);
  return { data, contentType: MIME[fmt], ...frameSize(v, info) };
}
