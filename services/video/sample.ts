/**
 * makeSampleVideo writes a small H.264/AAC MP4 (ffmpeg lavfi testsrc2 + sine) for the
 * launcher's demo bucket and for tests.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SampleOptions {
  readonly seconds?: number;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** libx264 preset (veryfast by default; ultrafast for large benchmark files). */
  readonly preset?: string;
  readonly ffmpegPath?: string;
}

/** makeSampleVideo encodes the sample into path (overwriting it). */
export async function makeSampleVideo(path: string, opts: SampleOptions = {}): Promise<void> {
  const { seconds = 4, width = 320, height = 240, fps = 25 } = opts;
  await run(opts.ffmpegPath ?? 'ffmpeg', [
    '-v', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', opts.preset ?? 'veryfast', '-pix_fmt', 'yuv420p', '-g', String(fps),
    '-c:a', 'aac', '-b:a', '96k', '-shortest', '-movflags', '+faststart',
    path,
  ]);
}
