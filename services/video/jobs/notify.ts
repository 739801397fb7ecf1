/**
 * notifyJobEnd POSTs a finished job's status JSON to its notify URL, retrying with
 * exponential backoff (a receiver must answer 2xx; anything else or no answer is retried).
 * It never throws: a dead receiver is logged, the job itself stays finished.
 */
import type { Logger } from '../../runtime';

export interface NotifyOptions {
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** notifyJobEnd resolves true once the receiver answered 2xx, false after the last attempt. */
export async function notifyJobEnd(url: string, body: unknown, log: Logger, opts: NotifyOptions = {}): Promise<boolean> {
  const attempts = opts.attempts ?? 6;
  const base = opts.baseDelayMs ?? 500;
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return true;
      log.warn('job notification refused', { url, status: res.status, attempt: i });
    } catch (err) {
      log.warn('job notification failed', { url, err: err instanceof Error ? err.message : String(err), attempt: i });
    }
    if (i < attempts) {
      const delay = base * 2 ** (i - 1) * (0.75 + Math.random() / 2);
      await new Promise((r) => setTimeout(r, delay));
      if (opts.signal?.aborted) return false;
    }
  }
  log.error('job notification given up', { url, attempts });
  return false;
}
