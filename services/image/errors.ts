/**
 * Errors of the image service: factories returning MeshError with the gRPC code and a
 * public message that names the problem (the gateway maps the code to HTTP).
 */
import { deadlineExceeded, invalidArgument, MeshError, resourceExhausted, Status } from '../runtime';

/** badOperation: the fop or typed operations are invalid (message names op and parameter). */
export const badOperation = (errors: readonly string[]) => invalidArgument(`invalid operation: ${errors.join('; ')}`);

/** undecodableImage: the source (or a watermark image) is not an image sharp can read. */
export const undecodableImage = (what: string, cause?: unknown) =>
  invalidArgument(`${what} is not a decodable image${cause instanceof Error ? `: ${cause.message.split('\n')[0]}` : ''}`, cause);

/** inputTooLarge: the source is bigger than the byte limit. */
export const inputTooLarge = (size: number, limit: number) => resourceExhausted(`source image is ${size} bytes, more than the limit of ${limit} bytes`);

/** imageTooBig: the header declares dimensions above a limit (refused before decoding pixels). */
export const imageTooBig = (detail: string) => resourceExhausted(`source image too big: ${detail}`);

/** outputTooBig: the requested output exceeds the output limits. */
export const outputTooBig = (width: number, height: number, detail: string) => resourceExhausted(`output ${width}x${height} too big: ${detail}`);

/** tooManyFrames: an animation has more frames than allowed. */
export const tooManyFrames = (frames: number, limit: number) => resourceExhausted(`animated source has ${frames} frames, more than the limit of ${limit}`);

/** queueFull: too many requests are waiting. */
export const queueFull = (limit: number) => resourceExhausted(`image service busy: ${limit} requests already waiting`);

/** processingTimeout: the request exceeded its time budget. */
export const processingTimeout = (ms: number) => deadlineExceeded(`image processing exceeded its time budget of ${ms} ms`);

/** badSource: the request names no source or a malformed one. */
export const badSource = (msg: string) => invalidArgument(`source: ${msg}`);

/** noExif: Qiniu answers an image without EXIF with an error. */
export const noExif = () => invalidArgument('no exif data');

/** unsupportedOperation: valid syntax that this service cannot perform on this input. */
export const unsupportedOperation = (msg: string) => invalidArgument(msg);

/** isLimitError tells RESOURCE_EXHAUSTED / DEADLINE_EXCEEDED (never answered with the original by ignore-error). */
export const isLimitError = (err: MeshError) => err.code === Status.RESOURCE_EXHAUSTED || err.code === Status.DEADLINE_EXCEEDED;

// libvips/sharp messages that mean "the input bytes are bad", not "we failed".
const DECODE_FAILURES = /corrupt|premature end|truncated|read error|unsupported image format|bad (huffman|header)|not a known|invalid (png|jpeg|gif|webp)|VipsJpeg|vipspng|gifload|webpload|heifload|tiff2vips/i;

/** fromSharp normalises a sharp failure: bad input → INVALID_ARGUMENT, libvips timeout → DEADLINE_EXCEEDED. */
export function fromSharp(err: unknown, timeoutMs: number): MeshError {
  if (err instanceof MeshError || !(err instanceof Error)) return MeshError.from(err);
  if (/^timeout: \d+% complete/.test(err.message)) return processingTimeout(timeoutMs);
  if (DECODE_FAILURES.test(err.message)) return undecodableImage('source', err);
  return MeshError.from(err);
}
