/**
 * IDEMPOTENT_METHODS: the unary methods of our services that may run twice for one call
 * without a different outcome: reads, and operations that are pure functions of stored bytes.
 * Writes (PutObject, DeleteObject, CreateBucket) and job control (SubmitJob, CancelJob) are
 * not here: a second run would be seen (a second job, NOT_FOUND for a delete that did happen).
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
