/**
 * prepareInput: turn a request's Source into a checked local file. Inline bytes or a
 * storage object are written into the call's workspace (ffmpeg only ever reads that one
 * file), sniffed for playlists, probed with bounded ffprobe, then held against the limits.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Source } from '../../generated/mediamesh/common/v1/common';
import type { VideoConfig } from './config';
import { limitExceeded, missingSource } from './errors';
import { runFfprobe, type FfprobeDocument } from './ffprobe';
import { describeMedia, sniffPlaylist, type MediaInfo } from './input-guard';
import type { StorageIo } from './storage-io';

/** PreparedInput is a checked local copy of the input. */
export interface PreparedInput {
  readonly file: string;
  readonly doc: FfprobeDocument;
  readonly info: MediaInfo;
}

/** InputDeps are what preparing an input needs. */
export interface InputDeps {
  readonly config: VideoConfig;
  readonly storage: StorageIo;
}

/** prepareInput writes, sniffs, probes and checks the source inside dir. */
export async function prepareInput(deps: InputDeps, source: Source | undefined, dir: string, signal: AbortSignal): Promise<PreparedInput> {
  const { config } = deps;
  const file = path.join(dir, 'input');
  const kind = source?.kind;
  if (!kind) throw missingSource();
  let head: Buffer;
  if (kind.$case === 'inline') {
    if (kind.value.length === 0) throw missingSource();
    if (kind.value.length > config.maxInputBytes) {
      throw limitExceeded('size', `${kind.value.length} bytes`, `${config.maxInputBytes} bytes`, 'MEDIAMESH_VIDEO_MAX_INPUT_BYTES');
    }
    head = kind.value.subarray(0, 4096);
    sniffPlaylist(head);
    await fs.writeFile(file, kind.value);
  } else {
    head = await deps.storage.download(kind.value, file, config.maxInputBytes, signal);
    sniffPlaylist(head);
  }
  const doc = await runFfprobe({ ffprobePath: config.ffprobePath, file, limits: config, signal, timeoutMs: config.callTimeoutMs });
  return { file, doc, info: describeMedia(doc, config) };
}
