/**
 * IDEMPOTENT_METHODS: the unary methods of our services that may run twice for one call
 * without a different outcome: reads, and operations that are pure functions of stored bytes.
 * Writes (PutObject, DeleteObject, CreateBucket) and job control (SubmitJob, CancelJob) are
 * not here: a second run would be seen (a second job, NOT_FOUND for a delete that did happen),
 * except a SubmitJob that carries an idempotency key (KEYED_IDEMPOTENT_METHODS).
 * Paths are checked against the generated service definitions in idempotent-methods.spec.ts.
 */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  '/mediamesh.image.v1.ImageService/Process',
  '/mediamesh.image.v1.ImageService/Info',
  '/mediamesh.image.v1.ImageService/Exif',
  '/mediamesh.image.v1.ImageService/Average',
  '/mediamesh.storage.v1.StorageService/StatObject',
  '/mediamesh.storage.v1.StorageService/ListObjects',
  '/mediamesh.storage.v1.StorageService/ListBuckets',
  '/mediamesh.video.v1.VideoService/Probe',
  '/mediamesh.video.v1.VideoService/Snapshot',
  '/mediamesh.video.v1.VideoService/GetJob',
]);

/**
 * KEYED_IDEMPOTENT_METHODS: unary methods that may run twice when their request carries a key, by
 * the request field (ts-proto name) that holds it. A SubmitJob with an idempotency_key answers the
 * job its first run recorded (the video service's job-keys.ts) instead of making a second.
 */
export const KEYED_IDEMPOTENT_METHODS: ReadonlyMap<string, string> = new Map([['/mediamesh.video.v1.VideoService/SubmitJob', 'idempotencyKey']]);

/** isIdempotentCall tells whether a call of `path` with this request may run twice without a different outcome. */
export function isIdempotentCall(path: string, request: unknown): boolean {
  if (IDEMPOTENT_METHODS.has(path)) return true;
  const field = KEYED_IDEMPOTENT_METHODS.get(path);
  if (field === undefined || typeof request !== 'object' || request === null) return false;
  const key = (request as Record<string, unknown>)[field];
  return typeof key === 'string' && key !== '';
}
