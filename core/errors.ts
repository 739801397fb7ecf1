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

  /**
   * toServiceError gives grpc-js what a handler's callback / emit('error') expects. An
   * UNAVAILABLE caused by a call this process made (a dependency still unavailable after that
   * hop's own retries) carries NO_RETRY_METADATA, so the caller's retry policy does not run the
   * whole call again and multiply the retries below it.
   */
  toServiceError(): Partial<ServiceError> {
    const metadata = new Metadata();
    if (this.code === Status.UNAVAILABLE && causedByCall(this)) for (const [key, value] of Object.entries(NO_RETRY_METADATA)) metadata.set(key, value);
    return { code: this.code, details: this.publicMessage, metadata };
  }
}

/**
 * NO_RETRY_METADATA: "do not retry this answer" in the two languages the mesh's retry layers
 * speak. `grpc-retry-pushback-ms` below zero is gRPC's server pushback (gRFC A6), honoured by
 * grpc-js (proxyless) and the other gRPC libraries; Envoy ignores it and never retries a response
 * that carries `x-envoy-ratelimited` (its router's rule, the one response header it honours for
 * this; seen with Envoy 1.40 through an inbound and an outbound sidecar: 1 call instead of 4).
 */
export const NO_RETRY_METADATA: Readonly<Record<string, string>> = { 'grpc-retry-pushback-ms': '-1', 'x-envoy-ratelimited': 'true' };

/** causedByCall: whether a gRPC call's failure (a ServiceError) is in the error's cause chain. */
function causedByCall(err: unknown): boolean {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) if (isServiceError(e)) return true;
  return false;
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
