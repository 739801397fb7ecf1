/**
 * createLimiter: a concurrency limit with a bounded FIFO queue (imgproxy's WORKERS +
 * REQUESTS_QUEUE_SIZE). acquire() resolves with a release function once a slot is free;
 * it rejects with 429 at once when the queue is full, or after queueTimeoutMs waiting.
 */
import { overloaded } from './errors';

export interface LimiterOptions {
  readonly maxConcurrent: number;
  readonly queueSize: number;
  readonly queueTimeoutMs: number;
  readonly onReject?: (reason: 'queue_full' | 'queue_timeout') => void;
}

/** Limiter hands out slots. */
export interface Limiter {
  acquire(): Promise<() => void>;
  readonly active: number;
  readonly queued: number;
}

/** createLimiter makes a limiter. */
export function createLimiter(opts: LimiterOptions): Limiter {
  let active = 0;
  const queue: { grant: () => void; timer: NodeJS.Timeout }[] = [];

  const release = () => {
    const next = queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.grant();
    } else active--;
  };
  const onceRelease = () => {
    let done = false;
    return () => {
      if (!done) {
        done = true;
        release();
      }
    };
  };

  return {
    acquire() {
      if (active < opts.maxConcurrent) {
        active++;
        return Promise.resolve(onceRelease());
      }
      if (queue.length >= opts.queueSize) {
        opts.onReject?.('queue_full');
        return Promise.reject(overloaded(`${opts.maxConcurrent} requests in progress and ${opts.queueSize} waiting`));
      }
      return new Promise((resolve, reject) => {
        const entry = {
          grant: () => resolve(onceRelease()),
          timer: setTimeout(() => {
            queue.splice(queue.indexOf(entry), 1);
            opts.onReject?.('queue_timeout');
            reject(overloaded(`no slot free within ${opts.queueTimeoutMs} ms`));
          }, opts.queueTimeoutMs),
        };
        queue.push(entry);
      });
    },
    get active() {
      return active;
    },
    get queued() {
      return queue.length;
    },
  };
}
