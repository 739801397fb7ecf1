/**
 * avthumb: ffmpeg arguments for a transcode (Qiniu parameters over our container table:
 * mp4 = H.264/AAC with +faststart, webm = VP9/Opus, m4a, mp3, ogg). Bitrates asked for are
 * capped at the source's, as Qiniu does. The run writes a file (mp4's faststart rewrites
 * the file after encoding, so it cannot go to a pipe).
 */
import * as path from 'node:path';
import type { Avthumb } from '../../generated/mediamesh/video/v1/operations';
import { AVTHUMB_CONTAINERS } from '../../fop';
import type { VideoConfig } from './config';
import { badOperation, noVideoStream } from './errors';
import { MeshError, Status } from '../runtime';
import type { MediaInfo } from './input-guard';

const MUXERS: Record<string, string> = { mp4: 'mp4', webm: 'webm', m4a: 'ipod', mp3: 'mp3', ogg: 'ogg' };

/** AvthumbPlan is everything a run needs: arguments, output duration, file name and MIME type. */
export interface AvthumbPlan {
  readonly inputOptions: string[];
  readonly outputOptions: string[];
  /** Seconds of output (for the sync limit and progress). */
  readonly duration: number;
  readonly extension: string;
  readonly contentType: string;
}

/** planAvthumb validates a against the probed input and builds the ffmpeg arguments. */
export function planAvthumb(a: Avthumb, info: MediaInfo, config: VideoConfig): AvthumbPlan {
  const spec = AVTHUMB_CONTAINERS[a.container]!;
  if (a.start >= info.duration) {
    throw new MeshError(Status.OUT_OF_RANGE, `avthumb/ss: start ${a.start}s is past the end of the input (duration ${info.duration.toFixed(3)}s)`);
  }
  const duration = Math.min(a.duration || Infinity, info.duration - a.start);
  const vcodec = a.noVideo || spec.video.length === 0 || !info.video ? '' : a.videoCodec || spec.video[0]!;
  const acodec = a.noAudio || !info.audio ? '' : a.audioCodec || spec.audio[0]!;
  if (!vcodec && !acodec) {
    if (spec.video.length && !a.noVideo) throw noVideoStream('avthumb');
    throw badOperation([`avthumb: nothing to encode (the input has ${info.video ? 'no audio' : 'no video'} stream and the rest is dropped)`]);
  }
  if (vcodec === 'copy' && (a.width || a.height || a.frameRate || a.videoBitrate)) {
    throw badOperation(['avthumb/vcodec: copy cannot be combined with s, w, h, r or vb']);
  }
  const out: string[] = [];
  if (a.duration) out.push('-t', String(a.duration));
  if (vcodec) out.push('-map', `0:${info.video!.index}`, ...videoArgs(a, vcodec, info, config));
  else out.push('-vn');
  if (acodec) out.push('-map', `0:${info.audio!.index}`, ...audioArgs(a, acodec, info));
  else out.push('-an');
  if (config.threads) out.push('-threads', String(config.threads));
  if (a.container === 'mp4' || a.container === 'm4a') out.push('-movflags', '+faststart');
  out.push('-map_metadata', '-1', '-f', MUXERS[a.container]!);
  return {
    inputOptions: a.start ? ['-ss', String(a.start)] : [],
    outputOptions: out,
    duration,
    extension: a.container,
    contentType: spec.mime,
  };
}

/** videoArgs encodes video: codec, rate control (bitrate capped at the source, else CRF), size, frame rate. */
function videoArgs(a: Avthumb, vcodec: string, info: MediaInfo, config: VideoConfig): string[] {
  const args = ['-c:v', vcodec];
  if (vcodec === 'copy') return args;
  const sourceRate = info.video!.bitRate || info.bitRate;
  const vb = a.videoBitrate && sourceRate ? Math.min(a.videoBitrate, sourceRate) : a.videoBitrate;
  if (vcodec === 'libx264') {
    args.push('-preset', config.x264Preset, '-pix_fmt', 'yuv420p');
    args.push(...(vb ? ['-b:v', String(vb), '-maxrate', String(Math.round(vb * 1.5)), '-bufsize', String(vb * 2)] : ['-crf', '23']));
  } else {
    // VP9/VP8 in realtime mode: good enough quality at a speed a synchronous call can afford.
    args.push('-deadline', 'realtime', '-cpu-used', '8', '-pix_fmt', 'yuv420p');
    if (vcodec === 'libvpx-vp9') args.push('-row-mt', '1');
    args.push(...(vb ? ['-b:v', String(vb)] : vcodec === 'libvpx-vp9' ? ['-crf', '33', '-b:v', '0'] : ['-b:v', '1M']));
  }
  const scale = a.width && a.height ? `${even(a.width)}:${even(a.height)}` : a.width ? `${even(a.width)}:-2` : a.height ? `-2:${even(a.height)}` : '';
  if (scale) args.push('-vf', `scale=${scale}`);
  if (a.frameRate) args.push('-r', String(a.frameRate));
  return args;
}

/** audioArgs encodes audio: codec, bitrate (capped at the source), sample rate. */
function audioArgs(a: Avthumb, acodec: string, info: MediaInfo): string[] {
  const args = ['-c:a', acodec];
  if (acodec === 'copy') return args;
  const sourceRate = info.audio!.bitRate;
  const ab = a.audioBitrate && sourceRate ? Math.min(a.audioBitrate, Math.max(sourceRate, 32_000)) : a.audioBitrate;
  if (ab) args.push('-b:a', String(ab));
  if (a.audioSampleRate) args.push('-ar', String(a.audioSampleRate));
  return args;
}

/** even rounds a dimension down to even (4:2:0 video needs even sizes). */
const even = (n: number): number => Math.max(2, n - (n % 2));

/** outputFile is where a plan's output goes inside a workspace. */
export const outputFile = (dir: string, plan: AvthumbPlan): string => path.join(dir, `output.${plan.extension}`);
