/**
 * runFfmpeg: one ffmpeg run through fluent-ffmpeg with the service's guard rails.
 * The input side always carries the safety options (protocol and demuxer whitelists,
 * bounded probing), the run is killed (SIGKILL) on abort (caller gone, job cancelled,
 * shutdown) and on its time limit, and progress comes from ffmpeg's own "time=" stats
 * (fluent's 'progress' event would launch an unguarded ffprobe of the input).
 */
import ffmpeg from 'fluent-ffmpeg';
import { spanHelpers } from '../../observability';
import { MeshError } from '../runtime';
import { cancelled, ffmpegFailed, timedOut } from './errors';

/** SAFE_DEMUXERS are the only input formats ffmpeg may open: no hls, concat, image2 or other file-naming formats. */
export const SAFE_DEMUXERS = 'mov,matroska,webm,avi,flv,mpegts,mpeg,mp3,wav,ogg,aac,flac,asf,h264,hevc,m4v';

/** InputLimits bounds what ffmpeg/ffprobe read while detecting streams. */
export interface InputLimits {
  readonly probeSizeBytes: number;
  readonly analyzeDurationUs: number;
}

/** safeInputOptions are put before every -i: read local files only, known demuxers only, bounded probing. */
export function safeInputOptions(limits: InputLimits): string[] {
  return [
    '-protocol_whitelist', 'file,pipe',
    '-format_whitelist', SAFE_DEMUXERS,
    '-probesize', String(limits.probeSizeBytes),
    '-analyzeduration', String(limits.analyzeDurationUs),
  ];
}

/** FfmpegRun describes one ffmpeg invocation. */
export interface FfmpegRun {
  readonly ffmpegPath: string;
  /** Operation name for messages (vframe, avthumb, hls). */
  readonly op: string;
  readonly input: string;
  /** Options before -i, after the safety options (e.g. -ss for an input seek). */
  readonly inputOptions?: readonly string[];
  readonly outputOptions: readonly string[];
  readonly output: string;
  readonly limits: InputLimits;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** The variable that sets timeoutMs, named in the DEADLINE_EXCEEDED message. */
  readonly timeoutVariable: string;
  /** Called with the output position in seconds as ffmpeg reports it. */
  readonly onTime?: (seconds: number) => void;
  /** Called with the spawned command line (logs, spans). */
  readonly onStart?: (commandLine: string) => void;
}

const TIME_RE = /time=\s*(-?)(\d+):(\d+):(\d+(?:\.\d+)?)/;

const { withSpan } = spanHelpers('video');

/** runFfmpeg resolves when ffmpeg exits 0 and rejects with a MeshError otherwise (span video.ffmpeg, ERROR on failure). */
export function runFfmpeg(run: FfmpegRun): Promise<void> {
  const seek = run.inputOptions?.includes('-ss') ? run.inputOptions[run.inputOptions.indexOf('-ss') + 1] : undefined;
  return withSpan('video.ffmpeg', { 'video.op': run.op, 'video.seek': seek }, () => runFfmpegUntraced(run));
}

function runFfmpegUntraced(run: FfmpegRun): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (run.signal.aborted) return reject(abortError(run.signal));
    const stderrTail: string[] = [];
    let settled = false;
    const command = ffmpeg({ source: run.input, stdoutLines: 0 })
      .setFfmpegPath(run.ffmpegPath)
      // Spread, never one array: given a single array, fluent splits every "a b" string in two
      // (a var_stream_map "v:0,a:0 v:1,a:1" would become two arguments).
      .inputOptions(...safeInputOptions(run.limits), ...(run.inputOptions ?? []))
      .outputOptions('-nostdin', '-v', 'error', '-stats', ...run.outputOptions)
      .output(run.output);
    const finish = (err?: MeshError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const kill = (err: MeshError) => {
      finish(err);
      command.kill('SIGKILL');
    };
    const onAbort = () => kill(abortError(run.signal));
    const timer = setTimeout(() => kill(timedOut(run.op, run.timeoutMs, run.timeoutVariable)), run.timeoutMs);
    run.signal.addEventListener('abort', onAbort, { once: true });
    command
      .on('start', (line: string) => run.onStart?.(line))
      .on('stderr', (line: string) => {
        const m = TIME_RE.exec(line);
        if (m) {
          if (!m[1]) run.onTime?.(Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]));
          return;
        }
        if (line.trim()) stderrTail.push(line.trim());
        if (stderrTail.length > 8) stderrTail.shift();
      })
      .on('end', () => finish())
      .on('error', (err: Error) => finish(ffmpegFailed(run.op, lastMeaningfulLine(stderrTail) ?? err.message, err)))
      .run();
  });
}

/** abortError is the signal's reason when it is a MeshError (shutdown, job cancelled), else CANCELLED. */
export function abortError(signal: AbortSignal): MeshError {
  return signal.reason instanceof MeshError ? signal.reason : cancelled('the call was cancelled');
}

/** lastMeaningfulLine picks the last stderr line that says something (ffmpeg ends with generic lines). */
function lastMeaningfulLine(lines: readonly string[]): string | undefined {
  const useful = lines.filter((l) => !/^Conversion failed!?$/.test(l) && !/^Error while/.test(l));
  return (useful.length ? useful : lines).slice(-2).join(' | ') || undefined;
}
