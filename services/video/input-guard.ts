/**
 * The input guard: what the service checks before ffmpeg decodes anything.
 *  1. sniffPlaylist: refuse HLS playlists and concat scripts by their first bytes (they
 *     name other files, the classic "read /etc/passwd into the output" trick).
 *  2. describeMedia: refuse probed playlist/concat formats, no-media inputs, and inputs
 *     over the duration/resolution limits (RESOURCE_EXHAUSTED).
 * ffmpeg's own whitelists (ffmpeg-run.ts) are the second wall behind this one.
 */
import type { VideoConfig } from './config';
import { limitExceeded, unreadableInput, unsafeInput } from './errors';
import type { FfprobeDocument, FfprobeStream } from './ffprobe';

/** PLAYLIST_MARKERS are the text openings of formats that reference other files. */
const PLAYLIST_MARKERS = [/^#EXTM3U/i, /^#EXTINF/i, /^#EXT-X-/i, /^ffconcat/i, /^file\s+['"]?[\w/.:-]/i, /^\[playlist\]/i];

/** sniffPlaylist throws INVALID_ARGUMENT when the first bytes are a playlist or concat script. */
export function sniffPlaylist(head: Buffer): void {
  const text = head.subarray(0, 4096).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (PLAYLIST_MARKERS.some((re) => re.test(text)) || /\n\s*#EXT(INF|-X-)/i.test(text)) {
    throw unsafeInput('the input is a playlist or concat script');
  }
}

/** REFUSED_FORMATS are demuxers that follow references to other files. */
const REFUSED_FORMATS = ['hls', 'applehttp', 'concat', 'm3u', 'image2', 'dash', 'tee', 'ffmetadata'];

/** MediaInfo is the summary the operations work from. */
export interface MediaInfo {
  readonly duration: number;
  readonly formatName: string;
  readonly video?: { index: number; codec: string; width: number; height: number; rotation: number; bitRate: number };
  readonly audio?: { index: number; codec: string; bitRate: number };
  readonly bitRate: number;
}

/** describeMedia checks a probed document against the limits and summarises it. */
export function describeMedia(doc: FfprobeDocument, config: VideoConfig): MediaInfo {
  const formatName = doc.format.format_name ?? '';
  if (formatName.split(',').some((f) => REFUSED_FORMATS.includes(f))) throw unsafeInput(`format "${formatName}" is not accepted`);
  const v = doc.streams.find((s) => s.codec_type === 'video' && !isCoverArt(s));
  const a = doc.streams.find((s) => s.codec_type === 'audio');
  if (!v && !a) throw unreadableInput('no audio or video stream found');
  const duration = Number(doc.format.duration ?? v?.duration ?? a?.duration ?? NaN);
  if (!Number.isFinite(duration) || duration <= 0) throw unreadableInput('the duration is unknown');
  if (duration > config.maxDurationSeconds) {
    throw limitExceeded('duration', `${duration.toFixed(1)}s`, `${config.maxDurationSeconds}s`, 'MEDIAMESH_VIDEO_MAX_DURATION_SECONDS');
  }
  let video: MediaInfo['video'];
  if (v) {
    const rotation = rotationOf(v);
    const [w, h] = [v.width ?? 0, v.height ?? 0];
    if (w > config.maxWidth) throw limitExceeded('width', `${w}px`, `${config.maxWidth}px`, 'MEDIAMESH_VIDEO_MAX_WIDTH');
    if (h > config.maxHeight) throw limitExceeded('height', `${h}px`, `${config.maxHeight}px`, 'MEDIAMESH_VIDEO_MAX_HEIGHT');
    if (!w || !h) throw unreadableInput('the video stream has no size');
    const turned = Math.abs(rotation) % 180 === 90;
    video = { index: v.index, codec: v.codec_name ?? '', width: turned ? h : w, height: turned ? w : h, rotation, bitRate: Number(v.bit_rate ?? 0) || 0 };
  }
  const audio = a ? { index: a.index, codec: a.codec_name ?? '', bitRate: Number(a.bit_rate ?? 0) || 0 } : undefined;
  return { duration, formatName, video, audio, bitRate: Number(doc.format.bit_rate ?? 0) || 0 };
}

/** rotationOf reads a stream's rotation in degrees from its display matrix (ffmpeg >= 5) or its "rotate" tag (older muxers). */
export function rotationOf(s: FfprobeStream): number {
  const side = s.side_data_list?.find((d) => typeof d.rotation === 'number');
  if (side) return Number(side.rotation);
  return Number(s.tags?.rotate ?? 0) || 0;
}

/** isCoverArt tells an attached picture (album art in mp3/m4a) from a real video stream. */
function isCoverArt(s: FfprobeStream): boolean {
  return (s.disposition as Record<string, number> | undefined)?.attached_pic === 1;
}
