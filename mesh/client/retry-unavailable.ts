/**
 * retryUnavailable: make an idempotent call (a read, or an operation that is a pure function
 * of stored bytes) again when it dies with UNAVAILABLE. The mesh's retry policy (xDS, applied
 * by grpc-js or Envoy, when the service has one) covers a call until its response headers
 * arrive, and retryCutResponseProvider a unary response cut after them. What is left comes
 * here: a stream cut halfway (a GetObject after its head, a download), and calls that failed
 * on every attempt those allowed. The caller starts over (another instance answers) up to
 * `attempts` times in all. Other errors, and aborts, pass through.
 */
import { status } from '@grpc/grpc-js';

/** codeOf finds a gRPC code on an error or its cause chain. */
function codeOf(err: unknown): number | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}

export async function retryUnavailable<T>(read: () => Promise<T>, signal?: AbortSignal, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (attempt >= attempts || signal?.aborted || codeOf(err) !== status.UNAVAILABLE) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}
