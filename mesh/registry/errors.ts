/**
 * Errors of mesh/registry. ZooKeeper operation failures are ZkError, whose `code` is the
 * ZooKeeper name (BAD_VERSION, NO_NODE, NODE_EXISTS, ...) or one of ours (DISCONNECTED,
 * TIMEOUT, CLOSED): callers such as optimistic-concurrency writers branch on it, which a
 * numeric gRPC status could not express. Anything that crosses into a gRPC answer or a CLI
 * message goes through the MeshError factories below.
 */
import { MeshError, Status } from '../../core/errors';

/** ZkErrorCode names why a ZooKeeper operation failed. */
export type ZkErrorCode = 'DISCONNECTED' | 'TIMEOUT' | 'CLOSED' | 'NO_NODE' | 'NODE_EXISTS' | 'BAD_VERSION' | 'NOT_EMPTY' | (string & {});

/** ZkError is a failed ZooKeeper operation: the operation, the path and the reason. */
export class ZkError extends Error {
  constructor(
    readonly code: ZkErrorCode,
    readonly op: string,
    readonly path: string,
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(message ?? `ZooKeeper ${op} ${path} failed: ${code}`, options);
    this.name = 'ZkError';
  }
}

/** isZkError tells a ZkError, optionally of one code. */
export function isZkError(err: unknown, code?: ZkErrorCode): err is ZkError {
  return err instanceof ZkError && (code === undefined || err.code === code);
}

/** disconnectedError: ZooKeeper is not reachable right now (the op was not sent). */
export const disconnectedError = (op: string, path: string, connectString: string) =>
  new ZkError('DISCONNECTED', op, path, `ZooKeeper ${op} ${path}: not connected to ${connectString} (retrying in the background)`);

/** timeoutError: the op was sent but no answer came in time (the connection dropped meanwhile). */
export const timeoutError = (op: string, path: string, ms: number) =>
  new ZkError('TIMEOUT', op, path, `ZooKeeper ${op} ${path}: no answer within ${ms} ms`);

/** closedError: the session was closed by its owner. */
export const closedError = (op: string, path: string) => new ZkError('CLOSED', op, path, `ZooKeeper ${op} ${path}: session closed`);

/** registryUnavailable: the registry could not answer (CLI, resolver). */
export const registryUnavailable = (msg: string, cause?: unknown) => new MeshError(Status.UNAVAILABLE, msg, { cause });

/** invalidRegistration: the instance to register is malformed (a programming or config error). */
export const invalidRegistration = (errors: readonly string[]) =>
  new MeshError(Status.INVALID_ARGUMENT, `invalid registration: ${errors.join('; ')}`, { shouldReport: true });
