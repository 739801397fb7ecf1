/**
 * httpStatusOf: THE table from gRPC status codes to HTTP statuses. A GatewayError's own
 * status wins (it knows which meaning of a shared code it is); everything else goes
 * through this table, so an upstream service's error reads the same whatever its path.
 */
import { MeshError, Status } from '../runtime';
import { GatewayError } from './errors';

// Fastify / Node errors carry a statusCode; only the 4xx ones are trusted as they are.
type WithStatusCode = { statusCode?: number };

/** httpStatusOfCode maps one gRPC code (and its message, for RESOURCE_EXHAUSTED) to HTTP. */
export function httpStatusOfCode(code: Status, message = ''): number {
  switch (code) {
    case Status.OK:
      return 200;
    case Status.INVALID_ARGUMENT: // bad operation, bad key, undecodable input
    case Status.FAILED_PRECONDITION: // e.g. a key that conflicts, a sync transcode too long (client must change the request)
      return 400;
    case Status.OUT_OF_RANGE: // a byte range past the end (Range requests are answered 416 by the range logic itself)
      return 400;
    case Status.UNAUTHENTICATED:
      return 401;
    case Status.PERMISSION_DENIED:
      return 403;
    case Status.NOT_FOUND:
      return 404;
    case Status.ALREADY_EXISTS:
    case Status.ABORTED:
      return 409;
    case Status.RESOURCE_EXHAUSTED:
      // Services use it for size limits (bytes, pixels, frames: 413) and for load
      // shedding (concurrency, queues, rates: 429); the message says which.
      return /too many|concurren|queue|overload|rate limit|load/i.test(message) ? 429 : 413;
    case Status.CANCELLED:
      return 499; // the client went away (nginx's convention; rarely seen by anyone)
    case Status.UNIMPLEMENTED:
      return 501;
    case Status.UNAVAILABLE: // no endpoint, connection refused, draining
      return 503;
    case Status.DEADLINE_EXCEEDED:
      return 504;
    default: // INTERNAL, UNKNOWN, DATA_LOSS
      return 500;
  }
}

/** httpStatusOf returns the HTTP status of any error the gateway meets. */
export function httpStatusOf(err: unknown): number {
  if (err instanceof GatewayError && err.httpStatus) return err.httpStatus;
  if (err instanceof MeshError) return httpStatusOfCode(err.code, err.publicMessage);
  const sc = (err as WithStatusCode | undefined)?.statusCode;
  if (typeof sc === 'number' && sc >= 400 && sc < 500) return sc;
  return httpStatusOfCode(MeshError.from(err).code, MeshError.from(err).publicMessage);
}

/** publicMessageOf is the message written to the client: never a stack or an internal detail. */
export function publicMessageOf(err: unknown): string {
  if (err instanceof MeshError) return err.publicMessage;
  const sc = (err as WithStatusCode | undefined)?.statusCode;
  if (typeof sc === 'number' && sc >= 400 && sc < 500 && err instanceof Error) return err.message;
  return MeshError.from(err).publicMessage;
}
