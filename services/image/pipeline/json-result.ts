/**
 * JSON stages: exif and imageAve (only as the only stage: they read the original) are
 * answered before decoding; a final imageInfo describes what the stages before it made.
 */
import { averageColour } from '../describe/average';
import { readExif } from '../describe/exif';
import { describeImage, infoJson } from '../describe/info';
import { noExif } from '../errors';
import type { JobContext, Step } from '../job/context';

const json = (body: unknown) => ({ data: Buffer.from(JSON.stringify(body)), contentType: 'application/json', width: 0, height: 0, format: 'json', originalReturned: false });

/** exifJson is the Qiniu exif body for a source, or the "no exif data" error. */
export function exifJson(ctx: JobContext): Record<string, unknown> {
  const tags = readExif(ctx.meta?.exif);
  if (!Object.keys(tags).length) throw noExif();
  return tags;
}

/** answerOriginalJson handles a pipeline that is just exif or imageAve. */
export const answerOriginalJson: Step = async (ctx) => {
  const only = ctx.operations.length === 1 ? ctx.operations[0].op?.$case : undefined;
  if (only !== 'exif' && only !== 'imageAve') return;
  ctx.result = json(only === 'exif' ? exifJson(ctx) : { RGB: await averageColour(ctx.input, ctx.config) });
};

/** describeResult replaces the image with its imageInfo JSON when imageInfo ends the pipeline. */
export const describeResult: Step = async (ctx: JobContext) => {
  const last = ctx.operations[ctx.operations.length - 1]?.op?.$case;
  if (last !== 'imageInfo' || !ctx.result || ctx.result.format === 'json') return;
  const processed = ctx.operations.length > 1;
  ctx.result = json(infoJson(await describeImage(processed ? ctx.result.data : ctx.input)));
};
