/**
 * classifyFop / parseFop: which family a query belongs to, by its first command name.
 * Image pipelines are parsed here; video commands (avinfo, vframe, avthumb) are parsed by
 * fop/video-*.ts. Anything else is "unknown" (Qiniu returns the original file for those).
 */
import type { ImageOperation } from '../generated/mediamesh/image/v1/operations';
import { commandName, IMAGE_COMMANDS, parseImagePipeline } from './image-pipeline';
import type { ValidationResult } from './validation';

/** FopFamily is the family of a query, decided by its first command. */
export type FopFamily = 'image' | 'video' | 'unknown';

/** VIDEO_COMMANDS are the names that route a query to the video service. */
export const VIDEO_COMMANDS: readonly string[] = ['avinfo', 'vframe', 'avthumb'];

/** normaliseQuery decodes a `%7C` pipe (some clients encode "|") and drops a leading "?". */
function normaliseQuery(query: string): string {
  return query.replace(/^\?/, '').replace(/%7C/gi, '|');
}

/** classifyFop tells the family of a query by its first command name. */
export function classifyFop(query: string): FopFamily {
  const name = commandName(normaliseQuery(query).split('|')[0]);
  if (Object.prototype.hasOwnProperty.call(IMAGE_COMMANDS, name)) return 'image';
  if (VIDEO_COMMANDS.includes(name)) return 'video';
  return 'unknown';
}

/** ParsedFop is a classified query; image pipelines come parsed. */
export type ParsedFop =
  | { readonly family: 'image'; readonly fop: string; readonly result: ValidationResult<ImageOperation[]> }
  | { readonly family: 'video'; readonly fop: string; readonly command: string }
  | { readonly family: 'unknown'; readonly fop: string; readonly command: string };

/** parseFop classifies a query and parses it when it is an image pipeline. */
export function parseFop(query: string): ParsedFop {
  const fop = normaliseQuery(query);
  const family = classifyFop(fop);
  if (family === 'image') return { family, fop, result: parseImagePipeline(fop) };
  return { family, fop, command: commandName(fop.split('|')[0]) };
}
