/**
 * runFfprobe: ffprobe's JSON (-show_streams -show_format) of a local file, with the same
 * input guard rails as ffmpeg runs, a time limit and kill on abort. We spawn ffprobe
 * ourselves rather than through fluent-ffmpeg, whose parser turns ffprobe's typed JSON
 * into strings and loses what avinfo must return as is.
 */
import { execFile } from 'node:child_process';
import { spanHelpers } from '../../observability';
import { abortError, safeInputOptions, type InputLimits } from './ffmpeg-run';
import { timedOut, unreadableInput } from './errors';

/** FfprobeStream is one entry of ffprobe's "streams" (only the fields we read are typed). */
export interface FfprobeStream {
  index: number;
  codec_name?: string;
  codec_type?: string;
  width?: number;
  height?: number;
  duration?: string;
  bit_rate?: string;
  tags?: Record<string, string>;
  side_data_list?: Array<Record<string, unknown>>;
  [field: string]: unknown;
}

/** FfprobeDocument is ffprobe's JSON document. */
export interface FfprobeDocument {
  streams: FfprobeStream[];
  format: { format_name?: string; duration?: string; size?: string; bit_rate?: string; filename?: string; [field: string]: unknown };
}

export interface FfprobeRun {
  readonly ffprobePath: string;
  readonly file: string;
  readonly limits: InputLimits;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

const { withSpan } = spanHelpers('video');

/** runFfprobe resolves with the parsed document or rejects with a MeshError (span video.probe). */
export function runFfprobe(run: FfprobeRun): Promise<FfprobeDocument> {
  return withSpan('video.probe', {}, () => runFfprobeUntraced(run));
}

function runFfprobeUntraced(run: FfprobeRun): Promise<FfprobeDocument> {
  const args = ['-v', 'error', ...safeInputOptions(run.limits), '-of', 'json', '-show_streams', '-show_format', '-i', run.file];
  return new Promise((resolve, reject) => {
    if (run.signal.aborted) return reject(abortError(run.signal));
    // execFile's own timeout/signal kill the child; we only translate why it died.
    const child = execFile(run.ffprobePath, args, { timeout: run.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, signal: run.signal }, (err, stdout, stderr) => {
      if (run.signal.aborted) return reject(abortError(run.signal));
      if (err && (err as NodeJS.ErrnoException & { killed?: boolean }).killed) return reject(timedOut('probe', run.timeoutMs, 'MEDIAMESH_VIDEO_CALL_TIMEOUT_MS'));
      if (err) return reject(unreadableInput(firstLine(stderr) || 'ffprobe failed', err));
      try {
        const doc = JSON.parse(stdout) as Partial<FfprobeDocument>;
        if (!doc.format) return reject(unreadableInput('no container format detected'));
        resolve({ streams: doc.streams ?? [], format: doc.format });
      } catch (parseErr) {
        reject(unreadableInput('ffprobe output was not JSON', parseErr));
      }
    });
    child.on('error', () => undefined); // reported through the callback
  });
}

function firstLine(text: string): string {
  // ffprobe prefixes errors with the file path; callers must not learn our temp paths.
  return (text.split('\n').find((l) => l.trim()) ?? '').replace(/^.*?:\s(?=[A-Z])/, '').trim().slice(0, 300);
}
