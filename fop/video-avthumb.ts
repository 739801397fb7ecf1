/**
 * avthumb URL syntax (Qiniu): "avthumb/<container>/vb/<br>/ab/<br>/r/<fps>/s/<W>x<H>/ss/<t>/t/<d>
 * /vcodec/<c>/acodec/<c>/ar/<Hz>/an/1/vn/1" parsed into the typed Avthumb message and formatted back.
 * Options go through one name -> apply table; unknown ones are refused by name.
 */
import type { Avthumb } from '../generated/mediamesh/video/v1/operations';
import { formatSeconds } from './video-vframe';
import { formatBitrate, noteDuplicate, parseBitrate, parseFlag, parseIntIn, parseSeconds, result, splitFop, type VideoValidationResult } from './video-params';
import { invalid } from './validation';

/** AVTHUMB_CONTAINERS lists the outputs and the codecs each accepts (first = default, "" = none). */
export const AVTHUMB_CONTAINERS: Record<string, { video: readonly string[]; audio: readonly string[]; mime: string }> = {
  mp4: { video: ['libx264', 'copy'], audio: ['aac', 'libmp3lame', 'copy'], mime: 'video/mp4' },
  webm: { video: ['libvpx-vp9', 'libvpx', 'copy'], audio: ['libopus', 'libvorbis', 'copy'], mime: 'video/webm' },
  m4a: { video: [], audio: ['aac', 'copy'], mime: 'audio/mp4' },
  mp3: { video: [], audio: ['libmp3lame', 'copy'], mime: 'audio/mpeg' },
  ogg: { video: [], audio: ['libopus', 'libvorbis', 'copy'], mime: 'audio/ogg' },
};

type Apply = (out: Avthumb, where: string, value: string, errors: string[]) => void;

/** APPLY is the option table: one thin function per URL parameter. */
const APPLY: Record<string, Apply> = {
  vb: (o, w, v, e) => (o.videoBitrate = parseBitrate(w, v, e)),
  ab: (o, w, v, e) => (o.audioBitrate = parseBitrate(w, v, e)),
  r: (o, w, v, e) => {
    if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0 || Number(v) > 120) e.push(`${w}: expected a frame rate from 1 to 120, got "${v}"`);
    else o.frameRate = Number(v);
  },
  s: (o, w, v, e) => {
    const m = /^(\d+)x(\d+)$/.exec(v);
    if (!m) return void e.push(`${w}: expected <W>x<H> such as 640x360, got "${v}"`);
    o.width = parseIntIn(`${w} width`, m[1]!, 16, 7680, e);
    o.height = parseIntIn(`${w} height`, m[2]!, 16, 4320, e);
  },
  w: (o, w, v, e) => (o.width = parseIntIn(w, v, 16, 7680, e)),
  h: (o, w, v, e) => (o.height = parseIntIn(w, v, 16, 4320, e)),
  ss: (o, w, v, e) => (o.start = parseSeconds(w, v, e)),
  t: (o, w, v, e) => {
    const before = e.length;
    o.duration = parseSeconds(w, v, e);
    if (e.length === before && o.duration === 0) e.push(`${w}: duration must be above 0`);
  },
  vcodec: (o, _w, v) => (o.videoCodec = v),
  acodec: (o, _w, v) => (o.audioCodec = v),
  ar: (o, w, v, e) => (o.audioSampleRate = parseIntIn(w, v, 8000, 192000, e)),
  an: (o, w, v, e) => (o.noAudio = parseFlag(w, v, e)),
  vn: (o, w, v, e) => (o.noVideo = parseFlag(w, v, e)),
};

/** emptyAvthumb is an Avthumb with every field at its default. */
export function emptyAvthumb(container = ''): Avthumb {
  return {
    container,
    videoBitrate: 0,
    audioBitrate: 0,
    frameRate: 0,
    width: 0,
    height: 0,
    start: 0,
    duration: 0,
    videoCodec: '',
    audioCodec: '',
    audioSampleRate: 0,
    noVideo: false,
    noAudio: false,
  };
}

/** parseAvthumb parses "avthumb/mp4/vb/1m/s/640x360"; every problem is reported with its parameter. */
export function parseAvthumb(text: string): VideoValidationResult<Avthumb> {
  const errors: string[] = [];
  const { name, arg, pairs } = splitFop(text, true, errors);
  if (name !== 'avthumb') return invalid([`avthumb: not an avthumb operation: "${name}"`]);
  const out = emptyAvthumb(arg ?? '');
  const seen = new Set<string>();
  for (const [key, value] of pairs) {
    const where = `avthumb/${key}`;
    noteDuplicate(seen, where, key === 'w' || key === 'h' ? `s.${key}` : key, errors);
    const apply = APPLY[key];
    if (!apply) errors.push(`${where}: unknown parameter (known: ${Object.keys(APPLY).join(', ')})`);
    else apply(out, where, value, errors);
  }
  if (seen.has('s') && (seen.has('s.w') || seen.has('s.h'))) errors.push('avthumb/s: give either s/<W>x<H> or w/h, not both');
  errors.push(...validateAvthumb(out).filter((e) => !errors.includes(e)));
  return result(out, errors);
}

/** validateAvthumb checks the cross-field rules (container, codecs, an+vn) of a typed Avthumb. */
export function validateAvthumb(a: Avthumb): string[] {
  const errors: string[] = [];
  const spec = AVTHUMB_CONTAINERS[a.container];
  if (!a.container) errors.push(`avthumb: missing container (one of ${Object.keys(AVTHUMB_CONTAINERS).join(', ')}), as in avthumb/mp4`);
  else if (!spec) errors.push(`avthumb/format: "${a.container}" is not one of ${Object.keys(AVTHUMB_CONTAINERS).join(', ')}`);
  if (spec && a.videoCodec && !spec.video.includes(a.videoCodec)) {
    errors.push(`avthumb/vcodec: "${a.videoCodec}" is not allowed in ${a.container}${spec.video.length ? ` (allowed: ${spec.video.join(', ')})` : ' (audio only)'}`);
  }
  if (spec && a.audioCodec && !spec.audio.includes(a.audioCodec)) {
    errors.push(`avthumb/acodec: "${a.audioCodec}" is not allowed in ${a.container} (allowed: ${spec.audio.join(', ')})`);
  }
  if (a.noAudio && a.noVideo) errors.push('avthumb/an: an/1 with vn/1 leaves nothing to encode');
  if (spec && spec.video.length === 0 && a.noAudio) errors.push(`avthumb/an: ${a.container} is audio only, an/1 leaves nothing`);
  if (a.start < 0 || a.duration < 0) errors.push('avthumb/ss: start and duration must be >= 0');
  return errors;
}

/** formatAvthumb writes the URL form; parseAvthumb(formatAvthumb(a)) equals a. */
export function formatAvthumb(a: Avthumb): string {
  const p = ['avthumb', a.container];
  if (a.videoBitrate) p.push('vb', formatBitrate(a.videoBitrate));
  if (a.audioBitrate) p.push('ab', formatBitrate(a.audioBitrate));
  if (a.frameRate) p.push('r', String(a.frameRate));
  if (a.width && a.height) p.push('s', `${a.width}x${a.height}`);
  else if (a.width) p.push('w', String(a.width));
  else if (a.height) p.push('h', String(a.height));
  if (a.start) p.push('ss', formatSeconds(a.start));
  if (a.duration) p.push('t', formatSeconds(a.duration));
  if (a.videoCodec) p.push('vcodec', a.videoCodec);
  if (a.audioCodec) p.push('acodec', a.audioCodec);
  if (a.audioSampleRate) p.push('ar', String(a.audioSampleRate));
  if (a.noAudio) p.push('an', '1');
  if (a.noVideo) p.push('vn', '1');
  return p.join('/');
}
