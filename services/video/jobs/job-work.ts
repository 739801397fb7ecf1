/**
 * runJobWork: the media work of one job attempt, from a storage object to storage
 * objects: an avthumb transcode to "<prefix>.<ext>" or an HLS ladder under
 * "<prefix>/" (segments first, variant playlists next, master.m3u8 last, so a visible
 * master means a complete tree). Keys are fixed by the spec, so a retried or taken-over
 * attempt overwrites the same objects instead of adding new ones.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ObjectRef } from '../../../generated/mediamesh/common/v1/common';
import type { Avthumb, Hls } from '../../../generated/mediamesh/video/v1/operations';
import { outputFile, planAvthumb } from '../avthumb';
import { runFfmpeg } from '../ffmpeg-run';
import { contentTypeOf, hlsOutputOptions, hlsVariantTarget, listOutputs, masterPlaylist, planLadder, segmentSeconds } from '../hls';
import { withInput, type InputDeps } from '../media-input';

/** ResolvedWork is a job's work after its fop (if any) was parsed. */
export type ResolvedWork = { $case: 'avthumb'; value: Avthumb } | { $case: 'hls'; value: Hls };

/** JobWork is one attempt's input. */
export interface JobWork {
  readonly source: ObjectRef;
  readonly work: ResolvedWork;
  /** Output bucket and key prefix (resolved at submit time). */
  readonly output: ObjectRef;
  readonly signal: AbortSignal;
  /** Progress in percent, as ffmpeg reports it (the caller throttles). */
  readonly onProgress: (percent: number) => void;
}

/** runJobWork performs the work and returns the objects written. */
export async function runJobWork(deps: InputDeps, job: JobWork): Promise<ObjectRef[]> {
  const { config, storage } = deps;
  return withInput(deps, { kind: { $case: 'object', value: job.source } }, job.signal, async (input, dir) => {
    const ffmpegBase = {
      ffmpegPath: config.ffmpegPath,
      input: input.file,
      limits: config,
      signal: job.signal,
      timeoutMs: config.jobTimeoutMs,
      timeoutVariable: 'MEDIAMESH_VIDEO_JOB_TIMEOUT_MS',
    };
    if (job.work.$case === 'avthumb') {
      const plan = planAvthumb(job.work.value, input.info, config);
      const output = outputFile(dir, plan);
      await runFfmpeg({
        ...ffmpegBase,
        op: 'avthumb',
        inputOptions: plan.inputOptions,
        outputOptions: plan.outputOptions,
        output,
        onTime: (t) => job.onProgress(Math.min(99, (100 * t) / plan.duration)),
      });
      const ref = { bucket: job.output.bucket, key: `${job.output.key}.${plan.extension}` };
      await storage.upload(output, ref, plan.contentType, job.signal);
      return [ref];
    }
    const rungs = planLadder(job.work.value, input.info);
    const outDir = path.join(dir, 'hls');
    await fs.mkdir(outDir);
    await runFfmpeg({
      ...ffmpegBase,
      op: 'hls',
      outputOptions: hlsOutputOptions(rungs, input.info, segmentSeconds(job.work.value), outDir, config),
      output: hlsVariantTarget(outDir),
      onTime: (t) => job.onProgress(Math.min(95, (100 * t) / input.info.duration)),
    });
    await fs.writeFile(path.join(outDir, 'master.m3u8'), masterPlaylist(rungs, Boolean(input.info.audio)));
    const refs: ObjectRef[] = [];
    for (const rel of await listOutputs(outDir)) {
      const ref = { bucket: job.output.bucket, key: `${job.output.key}/${rel.split(path.sep).join('/')}` };
      await storage.upload(path.join(outDir, rel), ref, contentTypeOf(rel), job.signal);
      refs.push(ref);
    }
    return refs;
  });
}
