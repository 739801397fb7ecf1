/**
 * JobContext: everything the steps of one request share. Steps read the operations and
 * write the canvas and the output settings; the encode step turns them into bytes.
 */
import type { Span } from '@opentelemetry/api';
import { type Metadata } from '../sharp';
import type { Gravity, ObjectRef } from '../../../generated/mediamesh/common/v1/common';
import type { ImageFormat, ImageOperation, Quality } from '../../../generated/mediamesh/image/v1/operations';
import type { ImageConfig } from '../config';
import type { Canvas } from './canvas';

/** OutputSettings collects what the operations asked of the encoder (last one wins). */
export interface OutputSettings {
  format: ImageFormat;
  quality?: Quality;
  /** Default quality when none is given (75; imageView v1: 85). */
  defaultQuality: number;
  interlace: boolean;
  colors: number;
  strip: boolean;
  density: number;
  background: string;
  sizeLimit?: { bytes: number; force: boolean };
}

/** Result is what Process returns. */
export interface JobResult {
  data: Buffer;
  contentType: string;
  width: number;
  height: number;
  format: string;
  originalReturned: boolean;
}

export interface JobContext {
  readonly input: Buffer;
  readonly operations: readonly ImageOperation[];
  readonly accept: string;
  readonly config: ImageConfig;
  readonly signal: AbortSignal;
  /** Reads a storage object (watermark images). */
  readonly readObject: (ref: ObjectRef, signal: AbortSignal) => Promise<Buffer>;
  /** Header metadata of the source (read before any pixel is decoded). */
  meta?: Metadata;
  /** Told the header when it is read here (the image service keeps it with the source). */
  readonly onHeader?: (header: Metadata) => void;
  canvas?: Canvas;
  /** Whether EXIF orientation has been applied to the canvas. */
  oriented: boolean;
  /** Current gravity of imageMogr2 (affects the crop/extent after it). */
  gravity: Gravity;
  readonly output: OutputSettings;
  result?: JobResult;
  /** The span of the traced step running now (run-pipeline), for attributes known only at its end. */
  span?: Span;
}

/** Step is one stage of the pipeline; each starts with a guard clause. */
export type Step = (ctx: JobContext) => Promise<void>;
