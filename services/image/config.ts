/**
 * The image service's configuration (MEDIAMESH_IMAGE_*), printed at start by the runtime.
 * Defaults follow Qiniu's sync limits (notes/qiniu-fop.md §1).
 */
import { availableParallelism } from 'node:os';
import { bytes, int, type ConfigOf } from '../runtime';

/** imageSpecs lists the variables of the image service. */
export const imageSpecs = {
  maxInputBytes: { name: 'MEDIAMESH_IMAGE_MAX_INPUT_BYTES', doc: 'largest source image accepted (bytes; k/m suffixes)', fallback: 20 * 1024 * 1024, parse: bytes },
  maxInputPixels: { name: 'MEDIAMESH_IMAGE_MAX_INPUT_PIXELS', doc: 'largest source area (width × height, per frame)', fallback: 150_000_000, parse: int(1, 1_000_000_000) },
  maxInputSide: { name: 'MEDIAMESH_IMAGE_MAX_INPUT_SIDE', doc: 'largest source width or height', fallback: 30_000, parse: int(1, 100_000) },
  maxOutputSide: { name: 'MEDIAMESH_IMAGE_MAX_OUTPUT_SIDE', doc: 'largest output width or height', fallback: 9_999, parse: int(1, 100_000) },
  maxOutputPixels: { name: 'MEDIAMESH_IMAGE_MAX_OUTPUT_PIXELS', doc: 'largest output area', fallback: 25_000_000, parse: int(1, 1_000_000_000) },
  maxFrames: { name: 'MEDIAMESH_IMAGE_MAX_FRAMES', doc: 'most frames of an animated source', fallback: 200, parse: int(1, 10_000) },
  timeoutMs: { name: 'MEDIAMESH_IMAGE_TIMEOUT_MS', doc: 'time budget of one request (queue wait + fetch + processing)', fallback: 30_000, parse: int(100, 600_000) },
  concurrency: {
    name: 'MEDIAMESH_IMAGE_CONCURRENCY',
    // A slot covers the source's download from storage too, so at one per core the cores idle while bytes arrive
    // (gateway-throughput on 2 cores: 0.53/0.50 of direct sharp at 2 slots, 0.61/0.60 at 4, 0.60/0.67 at 6). Not the
    // default yet: a 10-minute soak at 4 slots saw one image service's RSS swing 184–270 MB (+41 % window to window).
    doc: 'images in work at once, from fetching the source to encoding (the rest wait in a queue); default 1 per core',
    fallback: availableParallelism(),
    parse: int(1, 256),
  },
  maxQueue: { name: 'MEDIAMESH_IMAGE_MAX_QUEUE', doc: 'requests allowed to wait; more are refused with RESOURCE_EXHAUSTED', fallback: 256, parse: int(0, 100_000) },
  vipsThreads: { name: 'MEDIAMESH_IMAGE_VIPS_THREADS', doc: 'libvips threads per image (sharp.concurrency); 0 = libvips default (cores)', fallback: 0, parse: int(0, 256) },
  sourceCacheBytes: {
    name: 'MEDIAMESH_IMAGE_SOURCE_CACHE_BYTES',
    doc: 'storage sources kept with their header, reused when the caller names their etag (bytes; k/m suffixes; 0 = off)',
    fallback: 64 * 1024 * 1024,
    parse: bytes,
  },
  vipsCacheMb: { name: 'MEDIAMESH_IMAGE_VIPS_CACHE_MB', doc: 'libvips operation cache in MB (0 = off; inputs are rarely repeated)', fallback: 0, parse: int(0, 4096) },
};

export type ImageConfig = ConfigOf<typeof imageSpecs>;
