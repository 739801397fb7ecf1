/**
 * Canvas: the image being processed as ONE lazy sharp pipeline plus its tracked size.
 * sharp runs its operations in a fixed order (orient → extract → resize → extract → extend
 * → effects → composite), whatever order they were called in. Qiniu applies parameters in
 * URL order, so each queued operation names its stage; when a stage would run before one
 * already queued, the pipeline is first materialised to raw pixels (no encode/decode, just
 * memory) and a fresh pipeline starts on them. Most requests never materialise.
 */
import { sharp, type Sharp } from '../sharp';
import type { Size } from '../geometry/size';

/** Stage: where an operation sits in sharp's fixed order. */
export enum Stage {
  Orient = 0,
  ExtractBefore = 1,
  Resize = 2,
  ExtractAfter = 3,
  Extend = 4,
  Effect = 5,
  Composite = 6,
  /** An arbitrary rotation: materialised before and after (its order with extract is call-order dependent). */
  Rotate = 7,
}

export interface CanvasOptions {
  readonly limitInputPixels: number;
  /** libvips per-pipeline timeout in seconds (0 = none). */
  readonly timeoutSeconds: number;
}

/** Canvas holds the pipeline; steps call at() to queue work and size() to read the current size. */
export class Canvas {
  private last = -1;
  private known: boolean;
  private current: Size;
  /** Number of materialisations so far (the benchmark and tests read it). */
  flushes = 0;

  constructor(
    public img: Sharp,
    size: Size,
    /** Frames of an animation (1 for stills); size is one frame's. */
    readonly pages: number,
    private readonly opts: CanvasOptions,
  ) {
    this.current = size;
    this.known = true;
  }

  /** lastStage is the latest stage queued (-1 when nothing is pending). */
  get lastStage(): number {
    return this.last;
  }

  /** queued tells whether any operation is pending in the pipeline. */
  get queued(): boolean {
    return this.last >= 0;
  }

  /** size returns the current frame size, materialising first if an operation made it unknown. */
  async size(): Promise<Size> {
    if (!this.known) await this.flush();
    return this.current;
  }

  /**
   * at queues fn at a stage; newSize is the frame size afterwards (undefined = unknown until
   * materialised). Materialises first when the stage is not after everything queued.
   */
  async at(stage: Stage, fn: (img: Sharp) => Sharp, newSize?: Size): Promise<void> {
    if (this.last >= stage || this.last === Stage.Rotate || (stage === Stage.Rotate && this.queued)) await this.flush();
    this.img = fn(this.img);
    this.last = stage;
    if (newSize) this.current = newSize;
    else this.known = false;
  }

  /** flush materialises the pipeline as 8-bit sRGB pixels and starts a fresh one on them. */
  async flush(): Promise<void> {
    if (!this.queued && this.known) return;
    if (this.pages > 1) return this.flushAnimated();
    const { data, info } = await this.img.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    this.img = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels }, limitInputPixels: this.opts.limitInputPixels }).timeout({
      seconds: this.opts.timeoutSeconds,
    });
    this.restarted({ width: info.width, height: info.height });
  }

  /**
   * flushAnimated: libvips only treats a pipeline as animated when it was loaded from an
   * animated file (raw input with a page height is one tall frame to extend/composite), so
   * animations are materialised as lossless WebP at the lowest effort, which keeps frames and delays.
   */
  private async flushAnimated(): Promise<void> {
    const { data, info } = await this.img.webp({ lossless: true, effort: 0 }).toBuffer({ resolveWithObject: true });
    this.img = sharp(data, { animated: true, limitInputPixels: this.opts.limitInputPixels * this.pages }).timeout({ seconds: this.opts.timeoutSeconds });
    this.restarted({ width: info.width, height: info.pageHeight ?? Math.round(info.height / this.pages) });
  }

  private restarted(size: Size): void {
    this.current = size;
    this.known = true;
    this.last = -1;
    this.flushes++;
  }
}
