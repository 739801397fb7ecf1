/**
 * parseVideoFop: one entry for every video URL operation (avinfo, vframe, avthumb, hls),
 * used by the gateway, the video service (the `fop` fields of its requests) and the CLI.
 */
import type { Avthumb, Hls, Vframe } from '../generated/mediamesh/video/v1/operations';
import { formatAvthumb, parseAvthumb } from './video-avthumb';
import { formatHls, parseHls } from './video-hls';
import type { VideoValidationResult } from './video-params';
import { invalid, valid } from './validation';
import { formatVframe, parseVframe } from './video-vframe';

/** VideoOperation is a parsed video URL operation. */
export type VideoOperation =
  | { $case: 'avinfo' }
  | { $case: 'vframe'; value: Vframe }
  | { $case: 'avthumb'; value: Avthumb }
  | { $case: 'hls'; value: Hls };

/** VIDEO_OPERATION_NAMES are the names this parser owns. */
export const VIDEO_OPERATION_NAMES = ['avinfo', 'vframe', 'avthumb', 'hls'] as const;

/** parseAvinfo accepts "avinfo" (a trailing "/" allowed) and nothing else. */
export function parseAvinfo(text: string): VideoValidationResult<{ $case: 'avinfo' }> {
  if (text === 'avinfo' || text === 'avinfo/') return valid({ $case: 'avinfo' });
  if (text.startsWith('avinfo/')) return invalid([`avinfo: takes no parameters, got "${text.slice(7)}"`]);
  return invalid([`avinfo: not an avinfo operation: "${text}"`]);
}

/** parseVideoFop dispatches on the operation name. */
export function parseVideoFop(text: string): VideoValidationResult<VideoOperation> {
  const name = text.split('/')[0] ?? '';
  const wrap = <T>(r: VideoValidationResult<T>, make: (v: T) => VideoOperation): VideoValidationResult<VideoOperation> =>
    r.ok ? { ok: true, value: make(r.value) } : r;
  switch (name) {
    case 'avinfo':
      return parseAvinfo(text);
    case 'vframe':
      return wrap(parseVframe(text), (value) => ({ $case: 'vframe', value }));
    case 'avthumb':
      return wrap(parseAvthumb(text), (value) => ({ $case: 'avthumb', value }));
    case 'hls':
      return wrap(parseHls(text), (value) => ({ $case: 'hls', value }));
    default:
      return invalid([`unknown video operation "${name}" (known: ${VIDEO_OPERATION_NAMES.join(', ')})`]);
  }
}

/** formatVideoOperation writes a video operation in its URL form (parseVideoFop's inverse). */
export function formatVideoOperation(op: VideoOperation): string {
  switch (op.$case) {
    case 'avinfo':
      return 'avinfo';
    case 'vframe':
      return formatVframe(op.value);
    case 'avthumb':
      return formatAvthumb(op.value);
    case 'hls':
      return formatHls(op.value);
  }
}
