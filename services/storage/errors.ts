/**
 * Storage errors: every failure of the storage service as a MeshError factory, so the
 * gRPC status and the public message are decided in one place.
 */
import { MeshError, Status } from '../runtime';

/** invalidKey: a bucket name or object key that breaks the naming rules. */
export const invalidKey = (problems: readonly string[]) =>
  new MeshError(Status.INVALID_ARGUMENT, `invalid object name: ${problems.join('; ')}`, { shouldReport: false });

/** invalidRequest: a malformed request (missing header, bad paging, ...). */
export const invalidRequest = (message: string) => new MeshError(Status.INVALID_ARGUMENT, message, { shouldReport: false });

/** noSuchBucket: the bucket does not exist. */
export const noSuchBucket = (bucket: string) => new MeshError(Status.NOT_FOUND, `no such bucket: ${bucket}`, { shouldReport: false });

/** noSuchObject: the object does not exist. */
export const noSuchObject = (bucket: string, key: string) =>
  new MeshError(Status.NOT_FOUND, `no such object: ${bucket}/${key}`, { shouldReport: false });

/** objectTooLarge: an upload passed MEDIAMESH_STORAGE_MAX_OBJECT_BYTES. */
export const objectTooLarge = (limit: number) =>
  new MeshError(Status.RESOURCE_EXHAUSTED, `object too large: the limit is ${limit} bytes`, { shouldReport: false });

/** rangeNotSatisfiable: a byte range starting at or past the end of the object. */
export const rangeNotSatisfiable = (offset: number, size: number) =>
  new MeshError(Status.OUT_OF_RANGE, `range not satisfiable: offset ${offset} of an object of ${size} bytes`, { shouldReport: false });

/** bucketConflict: CreateBucket for an existing bucket with another visibility. */
export const bucketConflict = (bucket: string, visibility: string) =>
  new MeshError(Status.ALREADY_EXISTS, `bucket ${bucket} already exists with visibility ${visibility}`, { shouldReport: false });

/** keyConflict: a key that is a "folder" of another object, or the other way round (a/b vs a). */
export const keyConflict = (key: string) =>
  new MeshError(Status.FAILED_PRECONDITION, `key ${key} conflicts with an existing object path (one is a prefix folder of the other)`, {
    shouldReport: false,
  });
