/**
 * The synchronous VideoService methods: Probe (avinfo), Snapshot (vframe) and Transcode
 * (avthumb, streamed). Each call gets its own workspace, removed in finally.
 */
import { createReadStream } from 'node:fs';
import type { VideoServiceServer } from '../../generated/mediamesh/video/v1/video';
import { parseAvthumb, parseVframe, validateAvthumb, validateVframe } from '../../fop';
import type { Logger } from '../runtime';
import { planAvthumb, outputFile } from './avthumb';
import { streaming, unary, write } from '../runtime';
import { badOperation, tooLongForSync } from './errors';
import { runFfmpeg } from './ffmpeg-run';
import { toAvinfo } from './avinfo';
import { withInput, type InputDeps } from './media-input';
import { snapshot } from './vframe';

type MediaMethods = Pick<VideoServiceServer, 'probe' | 'snapshot' | 'transcode'>;

const CHUNK = 64 * 1024;

/** createMediaHandlers builds Probe, Snapshot and Transcode over the shared input pipeline. */
export function createMediaHandlers(deps: InputDeps & { log: Logger }): MediaMethods {
  const { config, log } = deps;
  return {
    probe: unary(log, 'Probe', (req, signal) => withInput(deps, req.source, signal, async (input) => toAvinfo(input.doc, input.info))),

    snapshot: unary(log, 'Snapshot', (req, signal) => {
      const parsed = req.fop ? parseVframe(req.fop) : { ok: true as const, value: req.vframe };
      if (!parsed.ok) throw badOperation(parsed.errors);
      const vframe = parsed.value;
      const errors = vframe ? validateVframe(vframe) : ['vframe: required (vframe or fop)'];
      if (errors.length) throw badOperation(errors);
      return withInput(deps, req.source, signal, (input, dir) => snapshot(config, input, vframe!, dir, signal));
    }),

    transcode: streaming(log, 'Transcode', async (req, call, signal) => {
      const parsed = req.fop ? parseAvthumb(req.fop) : { ok: true as const, value: req.avthumb };
      if (!parsed.ok) throw badOperation(parsed.errors);
      const avthumb = parsed.value;
      const errors = avthumb ? validateAvthumb(avthumb) : ['avthumb: required (avthumb or fop)'];
      if (errors.length) throw badOperation(errors);
      await withInput(deps, req.source, signal, async (input, dir) => {
        const plan = planAvthumb(avthumb!, input.info, config);
        if (plan.duration > config.syncMaxSeconds) throw tooLongForSync(plan.duration, config.syncMaxSeconds);
        const output = outputFile(dir, plan);
        await runFfmpeg({
          ffmpegPath: config.ffmpegPath,
          op: 'avthumb',
          input: input.file,
          inputOptions: plan.inputOptions,
          outputOptions: plan.outputOptions,
          output,
          limits: config,
          signal,
          timeoutMs: config.callTimeoutMs,
          timeoutVariable: 'MEDIAMESH_VIDEO_CALL_TIMEOUT_MS',
        });
        await write(call, { part: { $case: 'head', value: { contentType: plan.contentType } } });
        for await (const chunk of createReadStream(output, { highWaterMark: CHUNK })) {
          signal.throwIfAborted();
          await write(call, { part: { $case: 'chunk', value: chunk as Buffer } });
        }
      });
    }),
  };
}
