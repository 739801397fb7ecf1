/**
 * retryUnavailable: run a whole streaming read again when it dies with UNAVAILABLE.
 * The mesh's retry policy (xDS, grpc-js) only retries a call before its response has
 * started; a storage instance killed halfway through a GetObject stream surfaces as
 * UNAVAILABLE to the reader. Reads are idempotent, so the reader starts over (another
 * instance answers) up to `attempts` times in all. Other errors, and aborts, pass through.
 */
import { status } from '@grpc/grpc-js';

/** unavailableCode finds a gRPC code on an error or its cause chain. */
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
