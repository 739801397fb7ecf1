/**
 * avinfo: Qiniu's "?avinfo" document is ffprobe's -show_streams -show_format JSON with
 * ffprobe's own typing (numbers stay numbers, rates and durations are strings). We drop
 * format.filename (it would be our temp path) and restore codec_time_base, which Qiniu
 * returns but ffprobe >= 5 no longer prints.
 */
import type { ProbeResponse } from '../../generated/mediamesh/video/v1/video';
import type { FfprobeDocument, FfprobeStream } from './ffprobe';
import type { MediaInfo } from './input-guard';

/** toAvinfo builds the ProbeResponse from the probed document and its summary. */
export function toAvinfo(doc: FfprobeDocument, info: MediaInfo): ProbeResponse {
  const { filename: _dropped, ...format } = doc.format;
  const streams = doc.streams.map(withCodecTimeBase);
  return {
    json: JSON.stringify({ streams, format }),
    duration: info.duration,
    formatName: info.formatName,
    width: info.video?.width ?? 0,
    height: info.video?.height ?? 0,
    videoCodec: info.video?.codec ?? '',
    audioCodec: info.audio?.codec ?? '',
  };
}

/** withCodecTimeBase adds codec_time_base as older ffprobe printed it: 1/fps for video, 1/sample_rate for audio. */
function withCodecTimeBase(s: FfprobeStream): FfprobeStream {
  if (s.codec_time_base !== undefined) return s;
  let tb: string | undefined;
  if (s.codec_type === 'audio' && typeof s.sample_rate === 'string') tb = `1/${s.sample_rate}`;
  if (s.codec_type === 'video' && typeof s.r_frame_rate === 'string') {
    const [num, den] = s.r_frame_rate.split('/').map(Number);
    if (num && den) tb = `${den}/${num}`;
  }
  // Keep ffprobe's field order for the fields it printed; put the restored one after codec_long_name as Qiniu does.
  if (!tb) return s;
  const out: FfprobeStream = { index: s.index };
  for (const [k, v] of Object.entries(s)) {
    out[k] = v;
    if (k === 'codec_long_name') out.codec_time_base = tb;
  }
  if (out.codec_time_base === undefined) out.codec_time_base = tb;
  return out;
}
