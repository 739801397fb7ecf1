/**
 * Errors of the video service: factories returning MeshError with the gRPC code the
 * contract names (video.proto) and a public message naming the operation and the problem.
 */
import { MeshError, Status } from '../runtime';

/** badOperation: the operation (typed or URL form) has invalid parameters; every error is listed. */
export const badOperation = (errors: readonly string[]) => new MeshError(Status.INVALID_ARGUMENT, errors.join('; '));

/** unsafeInput: the input is a playlist/concat script or another format ffmpeg must not follow. */
export const unsafeInput = (what: string) =>
  new MeshError(Status.INVALID_ARGUMENT, `refused input: ${what} (playlists and concat scripts can name other files; send the media itself)`);

/** unreadableInput: ffprobe/ffmpeg found no media in the input. */
export const unreadableInput = (detail: string, cause?: unknown) =>
  new MeshError(Status.INVALID_ARGUMENT, `cannot read the input as audio/video: ${detail}`, { cause });

/** limitExceeded: bytes, duration or resolution above the configured limit. */
export const limitExceeded = (what: string, value: string, limit: string, variable: string) =>
  new MeshError(Status.RESOURCE_EXHAUSTED, `input ${what} ${value} is above the limit ${limit} (${variable})`);

/** offsetPastEnd: vframe offset at or after the end of the video. */
export const offsetPastEnd = (offset: number, duration: number) =>
  new MeshError(Status.OUT_OF_RANGE, `vframe: offset ${offset}s is past the end of the video (duration ${duration.toFixed(3)}s)`);

/** noVideoStream: a frame or video output was asked of audio-only input. */
export const noVideoStream = (op: string) => new MeshError(Status.INVALID_ARGUMENT, `${op}: the input has no video stream`);

/** tooLongForSync: the transcode is longer than the synchronous limit. */
export const tooLongForSync = (seconds: number, limit: number) =>
  new MeshError(
    Status.FAILED_PRECONDITION,
    `avthumb: the output would be ${seconds.toFixed(1)}s long, above the ${limit}s limit of synchronous transcoding (MEDIAMESH_VIDEO_SYNC_MAX_SECONDS); submit a job with SubmitJob instead`,
  );

/** timedOut: the per-call or per-job time limit hit; ffmpeg was killed. */
export const timedOut = (what: string, ms: number, variable: string) =>
  new MeshError(Status.DEADLINE_EXCEEDED, `${what} took longer than ${ms} ms and was stopped (${variable})`);

/** cancelled: the caller went away, the job was cancelled or the service is shutting down. */
export const cancelled = (why: string) => new MeshError(Status.CANCELLED, why);

/** ffmpegFailed: ffmpeg exited with an error; the last stderr lines go to the log, not the caller. */
export const ffmpegFailed = (op: string, detail: string, cause?: unknown) =>
  new MeshError(Status.INVALID_ARGUMENT, `${op}: ffmpeg could not process the input: ${detail}`, { cause, shouldReport: true });

/** missingSource: the request has no source. */
export const missingSource = () => new MeshError(Status.INVALID_ARGUMENT, 'source: required (inline bytes or an object {bucket, key})');

/** jobsNeedZooKeeper: job RPCs on an instance started without MEDIAMESH_ZK. */
export const jobsNeedZooKeeper = () => new MeshError(Status.FAILED_PRECONDITION, 'jobs need ZooKeeper: start the video service with MEDIAMESH_ZK set');

/** jobNotFound: no such job id. */
export const jobNotFound = (id: string) => new MeshError(Status.NOT_FOUND, `job "${id}" not found`);

/** badJobSpec: the job spec is invalid; every error is listed. */
export const badJobSpec = (errors: readonly string[]) => new MeshError(Status.INVALID_ARGUMENT, `job spec: ${errors.join('; ')}`);

/** storageFailed: reading or writing storage failed (keeps storage's own status when it has one). */
export const storageFailed = (what: string, cause: unknown) => {
  const inner = MeshError.from(cause);
  const code = inner.code === Status.INTERNAL ? Status.UNAVAILABLE : inner.code;
  return new MeshError(code, `${what}: ${inner.publicMessage}`, { cause });
};

/** jobStoreUnavailable: ZooKeeper did not answer a job operation (retry later). */
export const jobStoreUnavailable = (cause: Error) => new MeshError(Status.UNAVAILABLE, 'jobs: ZooKeeper is unavailable, retry later', { cause, shouldReport: true });

/** badIdempotencyKey: SubmitJob's idempotency_key cannot be used. */
export const badIdempotencyKey = (why: string) => new MeshError(Status.INVALID_ARGUMENT, `idempotency_key: ${why}`);

/** idempotencyKeyReused: a SubmitJob reused a key that names a job submitted with another spec. */
export const idempotencyKeyReused = (key: string, job: string) =>
  new MeshError(
    Status.ALREADY_EXISTS,
    `idempotency key ${JSON.stringify(key)} was already used for job ${job} with a different job spec: send a new key for a new job, or the same spec to get that job`,
  );

/** jobKeyContended: the key's node kept changing under a SubmitJob (retrying with the same key is safe). */
export const jobKeyContended = (key: string) =>
  new MeshError(Status.UNAVAILABLE, `idempotency key ${JSON.stringify(key)}: changed by other submissions while this one ran, retry`);
