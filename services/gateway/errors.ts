/**
 * Gateway errors. GatewayError is a MeshError that may pin its HTTP status where one
 * gRPC code has several HTTP meanings (RESOURCE_EXHAUSTED: 413 for size, 429 for load).
 * Factories below are the only way the gateway makes errors; httpStatusOf (http-status.ts)
 * turns any error into the status written to the client.
 */
import { MeshError, Status } from '../runtime';

/** GatewayError is a MeshError with an optional fixed HTTP status. */
export class GatewayError extends MeshError {
  constructor(
    code: Status,
    publicMessage: string,
    readonly httpStatus?: number,
  ) {
    super(code, publicMessage, { shouldReport: false });
    this.name = 'GatewayError';
  }
}

/** badRequest: malformed input (key, query, header, body): 400. */
export const badRequest = (message: string) => new GatewayError(Status.INVALID_ARGUMENT, message, 400);
/** unauthenticated: missing or wrong credentials / signature: 401. */
export const unauthenticated = (message: string) => new GatewayError(Status.UNAUTHENTICATED, message, 401);
/** notFound: no such route, bucket, object or job: 404. */
export const notFound = (message: string) => new GatewayError(Status.NOT_FOUND, message, 404);
/** methodNotAllowed: a known path with a method it does not take: 405. */
export const methodNotAllowed = (method: string) => new GatewayError(Status.UNIMPLEMENTED, `method ${method} is not allowed here`, 405);
/** payloadTooLarge: an upload over MEDIAMESH_MAX_UPLOAD_BYTES: 413. */
export const payloadTooLarge = (limit: number) => new GatewayError(Status.RESOURCE_EXHAUSTED, `upload too large: the limit is ${limit} bytes`, 413);
/** uriTooLong: a URL over MEDIAMESH_GATEWAY_MAX_URL_BYTES: 414. */
export const uriTooLong = (limit: number) => new GatewayError(Status.INVALID_ARGUMENT, `URL too long: the limit is ${limit} bytes`, 414);
/** rangeNotSatisfiable: a Range header outside the object: 416. */
export const rangeNotSatisfiable = (size: number) => new GatewayError(Status.OUT_OF_RANGE, `range not satisfiable: the object has ${size} bytes`, 416);
/** overloaded: the concurrency limit and its queue are full: 429. */
export const overloaded = (reason: string) => new GatewayError(Status.RESOURCE_EXHAUSTED, `too many requests: ${reason}`, 429);
/** notReady: a dependency of the gateway is not reachable: 503. */
export const notReady = (message: string) => new GatewayError(Status.UNAVAILABLE, message, 503);
/** requestTimeout: the client took too long to send its request: 408. */
export const requestTimeout = () => new GatewayError(Status.DEADLINE_EXCEEDED, 'request timeout: the body arrived too slowly', 408);
