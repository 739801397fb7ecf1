/**
 * retryUnavailable: make an idempotent call (a read, or an operation that is a pure function
 * of stored bytes) again when it dies with UNAVAILABLE. The mesh's retry policy (xDS,
 * grpc-js) covers calls refused before they start; an instance killed while the call is in
 * flight (a GetObject halfway through its stream, a Process mid-work) surfaces as
 * UNAVAILABLE to the caller, which starts over (another instance answers) up to `attempts`
 * times in all. Other errors, and aborts, pass through.
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
