/**
 * runPipeline: the ordered steps of one Process request, with the signal checked between
 * steps. `ignore-error/1` on any stage turns a processing failure into the original bytes.
 */
import { ImageFormat, type ImageOperation } from '../../../generated/mediamesh/image/v1/operations';
import { spanHelpers } from '../../../observability';
import { Gravity } from '../../../generated/mediamesh/common/v1/common';
import type { ImageConfig } from '../config';
import type { Metadata } from '../sharp';
import { formatOf } from '../describe/info';
import { fromSharp, isLimitError } from '../errors';
import { CONTENT_TYPES, type OutputFormat } from '../formats';
import { applyOperations } from './apply-operations';
import type { JobContext, JobResult, Step } from '../job/context';
import { decode } from './decode';
import { encode } from './encode';
import { answerOriginalJson, describeResult } from './json-result';
import { readHeader } from './read-header';
import { fitSizeLimit } from './size-limit';

// The sharp work gets a span each (image.decode, image.applyOperations, image.encode) under the gRPC
// server span; the cheap bookkeeping steps do not, since every span costs CPU on every request.
const { withSpan } = spanHelpers('image');
const tracedSteps: ReadonlySet<Step> = new Set([decode, applyOperations, encode]);

/** mainPipeline: the steps every Process request runs, in order. */
export const mainPipeline: readonly Step[] = [readHeader, answerOriginalJson, decode, applyOperations, encode, fitSizeLimit, describeResult];

export interface PipelineRequest {
  readonly input: Buffer;
  readonly operations: readonly ImageOperation[];
  readonly accept: string;
  readonly config: ImageConfig;
  readonly signal: AbortSignal;
  readonly readObject: JobContext['readObject'];
  /** The source's header when already known (a recently read source), else read by readHeader. */
  readonly header?: Metadata;
  /** Told the header when readHeader had to read it. */
  readonly onHeader?: (header: Metadata) => void;
}

const wantsIgnoreError = (ops: readonly ImageOperation[]) =>
  ops.some(({ op }) => (op?.$case === 'imageView2' || op?.$case === 'imageMogr2') && op.value.ignoreError);

/** createJobContext makes a fresh context (tests and the benchmark use it directly). */
export function createJobContext(req: PipelineRequest): JobContext {
  return {
    ...req,
    meta: req.header,
    oriented: false,
    gravity: Gravity.GRAVITY_UNSPECIFIED,
    output: { format: ImageFormat.IMAGE_FORMAT_UNSPECIFIED, defaultQuality: 75, interlace: false, colors: 0, strip: false, density: 0, background: 'white' },
  };
}

/** runPipeline processes one request and returns its result. */
export async function runPipeline(req: PipelineRequest, steps: readonly Step[] = mainPipeline): Promise<JobResult> {
  const ctx = createJobContext(req);
  try {
    for (const step of steps) {
      req.signal.throwIfAborted();
      if (tracedSteps.has(step))
        await withSpan(
          `image.${step.name}`,
          { 'image.input_bytes': ctx.input.length },
          async (span) => {
            ctx.span = span;
            await step(ctx);
          },
        ).finally(() => (ctx.span = undefined));
      else await step(ctx);
    }
    if (!ctx.result) throw new Error('pipeline produced no result');
    return ctx.result;
  } catch (err) {
    const e = fromSharp(req.signal.aborted ? (req.signal.reason ?? err) : err, req.config.timeoutMs);
    if (!wantsIgnoreError(req.operations) || isLimitError(e) || !ctx.meta) throw e;
    const format = formatOf(ctx.meta);
    const contentType = CONTENT_TYPES[format as OutputFormat] ?? `image/${format}`;
    return { data: req.input, contentType, width: ctx.meta.width, height: ctx.meta.pageHeight ?? ctx.meta.height, format, originalReturned: true };
  }
}
