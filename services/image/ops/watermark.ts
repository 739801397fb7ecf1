/**
 * applyWatermark: image marks (storage objects) and text marks, all layers composited in one
 * pass. A mark's opacity (dissolve) is applied to its alpha channel before compositing.
 */
import { sharp, type OverlayOptions, type Sharp } from '../sharp';
import type { TextMark, Watermark, WatermarkLayer } from '../../../generated/mediamesh/image/v1/operations';
import { checkSourceHeader } from '../limits';
import { undecodableImage } from '../errors';
import { markBox, markSize } from '../geometry/watermark';
import type { Size } from '../geometry/size';
import { Stage } from '../job/canvas';
import type { JobContext } from '../job/context';

interface RawMark {
  data: Buffer;
  size: Size;
}

const escapeMarkup = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** renderText draws a text mark (Pango) as RGBA; font size in twips → px at 72 dpi. */
async function renderText(t: TextMark): Promise<Sharp> {
  const px = t.fontSize ? Math.max(1, Math.round(t.fontSize / 20)) : 16;
  const fill = escapeMarkup(t.fill || 'white');
  const markup = `<span foreground="${fill}">${escapeMarkup(t.text)}</span>`;
  return sharp({ text: { text: markup, font: `${t.font || 'sans'} ${px}`, dpi: 72, rgba: true } });
}

async function loadMark(ctx: JobContext, layer: WatermarkLayer, base: Size): Promise<RawMark | undefined> {
  let img: Sharp;
  if (layer.content?.$case === 'image') {
    const ref = layer.content.value;
    const bytes = await ctx.readObject(ref, ctx.signal);
    const meta = await sharp(bytes).metadata().catch((err) => {
      throw undecodableImage(`watermark image kodo://${ref.bucket}/${ref.key}`, err);
    });
    checkSourceHeader(meta, ctx.config);
    const size = markSize(base, { width: meta.autoOrient.width, height: meta.autoOrient.height }, layer.ws, layer.wst);
    img = sharp(bytes, { autoOrient: true, limitInputPixels: ctx.config.maxInputPixels }).resize(size.width, size.height, { fit: 'fill' });
  } else if (layer.content?.$case === 'text') {
    img = await renderText(layer.content.value);
  } else {
    return undefined;
  }
  const { data, info } = await img.toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const opacity = (layer.dissolve || 100) / 100;
  if (opacity < 1) for (let i = 3; i < data.length; i += 4) data[i] = Math.round(data[i] * opacity);
  return { data, size: { width: info.width, height: info.height } };
}

/** applyWatermark draws every layer in order; marks bigger than the image are skipped (Qiniu). */
export async function applyWatermark(ctx: JobContext, w: Watermark): Promise<void> {
  const base = await ctx.canvas!.size();
  const overlays: OverlayOptions[] = [];
  for (const layer of w.layers) {
    ctx.signal.throwIfAborted();
    const mark = await loadMark(ctx, layer, base);
    const box = mark && markBox(base, mark.size, layer.gravity, layer.dx ?? 10, layer.dy ?? 10);
    if (!mark || !box) continue;
    overlays.push({ input: mark.data, raw: { width: mark.size.width, height: mark.size.height, channels: 4 }, left: box.left, top: box.top });
  }
  if (!overlays.length) return;
  await ctx.canvas!.at(Stage.Composite, (img) => img.composite(overlays), base);
}
