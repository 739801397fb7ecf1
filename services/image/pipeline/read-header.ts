/**
 * readHeader: sharp metadata() parses only the header, so a decompression bomb (a tiny file
 * declaring 30000×30000) is refused here, before a single pixel is decoded. The limits are
 * checked on every request, also when the header came with the source.
 */
import { sharp } from '../sharp';
import { undecodableImage } from '../errors';
import { checkSourceHeader } from '../limits';
import { setActiveSpanAttributes } from '../../../observability';
import type { Step } from '../job/context';

export const readHeader: Step = async (ctx) => {
  // A source held by recent-sources.ts comes with its header (the same bytes, read before).
  if (!ctx.meta) {
    ctx.meta = await sharp(ctx.input, { limitInputPixels: false })
      .metadata()
      .catch((err) => {
        throw undecodableImage('source', err);
      });
    ctx.onHeader?.(ctx.meta);
  }
  // On the call's server span (readHeader is not a traced step: the server span is the active one).
  setActiveSpanAttributes({ 'image.source.format': ctx.meta.format, 'image.source.width': ctx.meta.width, 'image.source.height': ctx.meta.height, 'image.source.bytes': ctx.input.length, 'image.source.frames': ctx.meta.pages });
  checkSourceHeader(ctx.meta, ctx.config);
};
