/**
 * withInput: turn a request's Source into a checked local file for the duration of fn.
 * Inline bytes or a storage object are written into the call's workspace (ffmpeg only
 * ever reads that one file), sniffed for playlists, probed with bounded ffprobe, then held
 * against the limits. Storage objects go through the source cache (keyed by etag), so
 * repeated calls on one video skip the download and the probe.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Source } from '../../generated/mediamesh/common/v1/common';
import type { VideoConfig } from './config';
import { limitExceeded, missingSource } from './errors';
import { runFfprobe, type FfprobeDocument } from './ffprobe';
import { describeMedia, sniffPlaylist, type MediaInfo } from './input-guard';
import type { SourceCache } from './source-cache';
import type { StorageIo } from './storage-io';
import { withWorkspace } from './workspace';

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
  readonly cache: SourceCache;
}

/** withInput runs fn with the checked input and a fresh workspace; both are gone afterwards. */
export function withInput<T>(deps: InputDeps, source: Source | undefined, signal: AbortSignal, fn: (input: PreparedInput, dir: string) => Promise<T>): Promise<T> {
  const { config } = deps;
  return withWorkspace(config.tempDir, async (dir) => {
    const file = path.join(dir, 'input');
    const kind = source?.kind;
    if (!kind || (kind.$case === 'inline' && kind.value.length === 0)) throw missingSource();
    const tooBig = (size: number) => limitExceeded('size', `${size} bytes`, `${config.maxInputBytes} bytes`, 'MEDIAMESH_VIDEO_MAX_INPUT_BYTES');
    const probe = (f: string) => runFfprobe({ ffprobePath: config.ffprobePath, file: f, limits: config, signal, timeoutMs: config.callTimeoutMs });
    if (kind.$case === 'inline') {
      if (kind.value.length > config.maxInputBytes) throw tooBig(kind.value.length);
      sniffPlaylist(kind.value.subarray(0, 4096));
      await fs.writeFile(file, kind.value);
      const doc = await probe(file);
      return fn({ file, doc, info: describeMedia(doc, config) }, dir);
    }
    const ref = kind.value;
    const { size, etag } = await deps.storage.stat(ref, signal);
    if (size > config.maxInputBytes) throw tooBig(size);
    let held = deps.cache.acquire(ref.bucket, ref.key, etag);
    if (!held) {
      sniffPlaylist(await deps.storage.download(ref, file, config.maxInputBytes, signal));
      const doc = await probe(file);
      describeMedia(doc, config); // refuse before caching
      held = await deps.cache.adopt(ref.bucket, ref.key, etag, file, size, doc);
    }
    try {
      return await fn({ file: held.file, doc: held.doc, info: describeMedia(held.doc, config) }, dir);
    } finally {
      held.release();
    }
  });
}
