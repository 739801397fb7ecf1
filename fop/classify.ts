/**
 * classifyFop / parseFop: which family a query belongs to, by its first command name.
 * Image pipelines are parsed by fop/image-*.ts, video commands (avinfo, vframe, avthumb) by
 * fop/video-*.ts. Anything else is "unknown" (Qiniu returns the original file for those).
 */
import type { ImageOperation } from '../generated/mediamesh/image/v1/operations';
import { commandName, IMAGE_COMMANDS, parseImagePipeline } from './image-pipeline';
import { invalid, type ValidationResult } from './validation';
import { parseVideoFop, type VideoOperation } from './video-fop';

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

/**
 * ParsedFop is a classified query with its command name (the first stage's), parsed when its
 * family is known: image pipelines into ImageOperation[], a video command into its
 * VideoOperation (a video command is never part of a `|` pipeline).
 */
export type ParsedFop =
  | { readonly family: 'image'; readonly fop: string; readonly command: string; readonly result: ValidationResult<ImageOperation[]> }
  | { readonly family: 'video'; readonly fop: string; readonly command: string; readonly result: ValidationResult<VideoOperation> }
  | { readonly family: 'unknown'; readonly fop: string; readonly command: string };

/** parseFop classifies a query and parses it: the one pass over a URL's operations. */
export function parseFop(query: string): ParsedFop {
  const fop = normaliseQuery(query);
  const family = classifyFop(fop);
  const command = commandName(fop.split('|')[0]);
  if (family === 'image') return { family, fop, command, result: parseImagePipeline(fop) };
  if (family === 'video') {
    const result = fop.includes('|') ? invalid<VideoOperation>([`${command}: video operations cannot be part of a pipeline`]) : parseVideoFop(fop);
    return { family, fop, command, result };
  }
  return { family, fop, command };
}
