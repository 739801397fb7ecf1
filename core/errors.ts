/**
 * MeshError: the one error type of mediamesh. It carries a gRPC status code, a public
 * message safe to show callers, and the cause for logs. Modules make theirs through
 * small factories (see services/image/errors.ts) and normalise anything with from().
 */
import { status as Status, Metadata, type ServiceError } from '@grpc/grpc-js';

export { Status };

export class MeshError extends Error {
  readonly code: Status;
  readonly publicMessage: string;
  /** False for expected client errors that need no error log. */
  readonly shouldReport: boolean;

  constructor(code: Status, publicMessage: string, opts: { cause?: unknown; shouldReport?: boolean } = {}) {
    super(publicMessage, { cause: opts.cause });
    this.name = 'MeshError';
    this.code = code;
    this.publicMessage = publicMessage;
    this.shouldReport = opts.shouldReport ?? (code === Status.INTERNAL || code === Status.UNKNOWN);
  }

  /** from normalises any thrown value: MeshError as is, gRPC ServiceError by its code, else INTERNAL. */
  static from(err: unknown): MeshError {
    if (err instanceof MeshError) return err;
    if (isServiceError(err)) return new MeshError(err.code, err.details || err.message, { cause: err });
    if (err instanceof Error && err.name === 'AbortError') return new MeshError(Status.CANCELLED, 'cancelled', { cause: err });
    return new MeshError(Status.INTERNAL, 'internal error', { cause: err, shouldReport: true });
  }

  /** toServiceError gives grpc-js what a handler's callback / emit('error') expects. */
  toServiceError(): Partial<ServiceError> {
    return { code: this.code, details: this.publicMessage, metadata: new Metadata() };
  }
}

/** isServiceError tells a grpc-js ServiceError (has a numeric code and details). */
export function isServiceError(err: unknown): err is ServiceError {
  return typeof err === 'object' && err !== null && typeof (err as ServiceError).code === 'number' && 'details' in err;
}

export const invalidArgument = (msg: string, cause?: unknown) => new MeshError(Status.INVALID_ARGUMENT, msg, { cause });
export const notFound = (msg: string) => new MeshError(Status.NOT_FOUND, msg);
export const resourceExhausted = (msg: string) => new MeshError(Status.RESOURCE_EXHAUSTED, msg);
export const deadlineExceeded = (msg: string) => new MeshError(Status.DEADLINE_EXCEEDED, msg);
export const outOfRange = (msg: string) => new MeshError(Status.OUT_OF_RANGE, msg);
export const unavailable = (msg: string, cause?: unknown) => new MeshError(Status.UNAVAILABLE, msg, { cause });
export const failedPrecondition = (msg: string) => new MeshError(Status.FAILED_PRECONDITION, msg);
export const unauthenticated = (msg: string) => new MeshError(Status.UNAUTHENTICATED, msg);
export const permissionDenied = (msg: string) => new MeshError(Status.PERMISSION_DENIED, msg);
