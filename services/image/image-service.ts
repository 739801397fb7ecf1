/**
 * createImageService: the gRPC ImageService. Every call: load the source (inline or from
 * storage, bounded), wait for a slot in the job queue, run under the time budget, and map
 * every failure to a MeshError status with a message naming the problem.
 */
import { sharp } from './sharp';
import type { Source } from '../../generated/mediamesh/common/v1/common';
import type { ImageServiceServer, ProcessRequest, ProcessResponse } from '../../generated/mediamesh/image/v1/image';
import type { ImageOperation } from '../../generated/mediamesh/image/v1/operations';
import { parseImagePipeline, validateImagePipeline } from '../../fop';
import { unary as unaryHandler, type Logger } from '../runtime';
import type { ImageConfig } from './config';
import { averageColour } from './describe/average';
import { readExif } from './describe/exif';
import { describeImage } from './describe/info';
import { badOperation, noExif, processingTimeout, undecodableImage } from './errors';
import type { JobQueue } from './job-queue';
import { checkSourceHeader } from './limits';
import { runPipeline } from './pipeline/run-pipeline';
import type { HeldSource, RecentSources } from './recent-sources';
import { loadSource, type ObjectReader } from './source';

export interface ImageServiceDeps {
  readonly config: ImageConfig;
  readonly queue: JobQueue;
  /** Reads storage objects (watermark images, and the sources of Info, Exif and Average). */
  readonly readObject: ObjectReader;
  /** Process's sources: storage objects read lately, reused at a known etag (recent-sources.ts). */
  readonly sources: RecentSources;
  readonly log: Logger;
}

/** operationsOf parses the fop string once (a caller that sends only the URL form) or checks the typed operations. */
function operationsOf(req: ProcessRequest): ImageOperation[] {
  const parsed = req.fop ? parseImagePipeline(req.fop) : validateImagePipeline(req.operations);
  if (!parsed.ok) throw badOperation(parsed.errors);
  return parsed.value;
}

/** createImageService builds the handlers; each call gets its own deadline and cancellation. */
export function createImageService(deps: ImageServiceDeps): ImageServiceServer {
  const { config, queue, log } = deps;

  /** withBudget runs fn on a queue slot with a signal aborted by the time budget or by the caller going away. */
  const withBudget = async <T>(callSignal: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(processingTimeout(config.timeoutMs)), config.timeoutMs);
    const onCancel = () => controller.abort(callSignal.reason);
    callSignal.addEventListener('abort', onCancel, { once: true });
    const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
    aborted.catch(() => undefined);
    try {
      // The race answers at the deadline even while libvips is still busy (sharp's own timeout stops it).
      return await Promise.race([queue.run(() => fn(controller.signal), controller.signal), aborted]);
    } finally {
      clearTimeout(timer);
      callSignal.removeEventListener('abort', onCancel);
    }
  };

  const loadWithObject = (source: Source | undefined, signal: AbortSignal) => loadSource(source, config.maxInputBytes, deps.readObject, signal);
  const load = async (source: Source | undefined, signal: AbortSignal) => (await loadWithObject(source, signal)).data;

  /** unary: the service host's adapter, each call on its budget. */
  const unary = <Req, Res>(method: string, handle: (req: Req, signal: AbortSignal) => Promise<Res>) =>
    unaryHandler<Req, Res>(log, method, (req, callSignal) => withBudget(callSignal, (signal) => handle(req, signal)));

  return {
    process: unary<ProcessRequest, ProcessResponse>('Process', async (req, signal) => {
      const operations = operationsOf(req);
      const source = await loadSource(req.source, config.maxInputBytes, (ref, max, s) => deps.sources.read(ref, req.sourceEtag, max, s), signal);
      const { data: input, object } = source;
      const held = object && req.source?.kind?.$case === 'object' ? { ref: req.source.kind.value, source: source as HeldSource } : undefined;
      const readObject = async (ref: Parameters<ObjectReader>[0], s: AbortSignal) => (await deps.readObject(ref, config.maxInputBytes, s)).data;
      const r = await runPipeline({
        input,
        operations,
        accept: req.accept,
        config,
        signal,
        readObject,
        header: held?.source.header,
        onHeader: held && ((header) => deps.sources.keepHeader(held.ref, held.source, header)),
      });
      return { data: r.data, contentType: r.contentType, width: r.width, height: r.height, format: r.format, originalReturned: r.originalReturned, sourceObject: object };
    }),
    info: unary('Info', async (req, signal) => describeImage(await load(req.source, signal))),
    exif: unary('Exif', async (req, signal) => {
      const input = await load(req.source, signal);
      const meta = await sharp(input, { limitInputPixels: false })
        .metadata()
        .catch((err) => {
          throw undecodableImage('source', err);
        });
      const tags = readExif(meta.exif);
      if (!Object.keys(tags).length) throw noExif();
      return { tags };
    }),
    average: unary('Average', async (req, signal) => {
      const input = await load(req.source, signal);
      const meta = await sharp(input, { limitInputPixels: false })
        .metadata()
        .catch((err) => {
          throw undecodableImage('source', err);
        });
      checkSourceHeader(meta, config);
      return { rgb: await averageColour(input, config) };
    }),
  };
}
