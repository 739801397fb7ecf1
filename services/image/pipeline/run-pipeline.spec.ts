import { describe, expect, it } from 'vitest';
import { parseImagePipeline } from '../../../fop';
import { loadConfig } from '../../runtime';
import { imageSpecs } from '../config';
import { sharp } from '../sharp';
import { createJobContext, mainPipeline, runPipeline } from './run-pipeline';

const config = loadConfig(imageSpecs, {});
const ops = (fop: string) => {
  const r = parseImagePipeline(fop);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
};
const source = () => sharp({ create: { width: 640, height: 427, channels: 3, background: '#3366aa' } }).jpeg().toBuffer();
const noObjects = async () => {
  throw new Error('no storage in unit tests');
};

/** Runs the main pipeline and reports the output size and how often the canvas materialised. */
async function run(fop: string) {
  const ctx = createJobContext({ input: await source(), operations: ops(fop), accept: '', config, signal: new AbortController().signal, readObject: noObjects });
  for (const step of mainPipeline) await step(ctx);
  return { width: ctx.result!.width, height: ctx.result!.height, flushes: ctx.canvas?.flushes ?? 0 };
}

describe('canvas: one sharp pipeline per request where the order allows', () => {
  it.each([
    ['imageView2/1/w/200/h/200', 200, 200, 0],
    ['imageMogr2/auto-orient/thumbnail/!256x256r/gravity/center/crop/!256x256', 256, 256, 0],
    ['imageMogr2/crop/400x/thumbnail/200x/extent/300x300', 300, 300, 0],
    // A second resize after a crop must see the cropped pixels: one materialisation.
    ['imageMogr2/thumbnail/320x/crop/100x100/thumbnail/50x', 50, 50, 1],
    // sharp runs a rotation before the resize whatever the call order, so a rotate after one materialises.
    ['imageView2/2/w/300|imageMogr2/rotate/90', 200, 300, 1],
    ['imageMogr2/rotate/90/crop/100x50', 100, 50, 1],
  ])('%s → %i×%i with %i materialisations', async (fop, w, h, flushes) => {
    expect(await run(fop)).toEqual({ width: w, height: h, flushes });
  });
});

describe('runPipeline', () => {
  it('stops at an aborted signal with its reason', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(runPipeline({ input: await source(), operations: ops('imageView2/2/w/10'), accept: '', config, signal: ac.signal, readObject: noObjects })).rejects.toMatchObject({
      code: 13,
    });
  });
  it('ignore-error/1 answers with the original on a processing failure', async () => {
    const input = await source();
    const r = await runPipeline({ input, operations: ops('imageView2/2/w/10/ignore-error/1|watermark/1/image/L2RlbW8vYS5wbmc='), accept: '', config, signal: new AbortController().signal, readObject: noObjects });
    expect(r.originalReturned).toBe(true);
    expect(r.data.equals(input)).toBe(true);
  });
});
