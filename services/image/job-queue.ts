/**
 * createJobQueue: a semaphore in front of sharp. At most `concurrency` images are processed
 * at once, so 2 cores stay busy without thrashing (and memory stays bounded); the rest wait
 * in FIFO order, and a caller whose signal aborts while waiting leaves the queue.
 */
import { queueFull } from './errors';

export interface JobQueue {
  /** run waits for a slot, then runs fn; the slot is freed when fn settles. */
  run<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T>;
  /** stats: running and waiting counts (for logs and tests). */
  stats(): { running: number; waiting: number };
}

/** createJobQueue makes a queue with the given concurrency and waiting-room size. */
export function createJobQueue(concurrency: number, maxWaiting: number): JobQueue {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running--;
    const next = waiting.shift();
    if (next) next();
  };
  const acquire = (signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      signal.throwIfAborted();
      if (running < concurrency) {
        running++;
        return resolve();
      }
      if (waiting.length >= maxWaiting) return reject(queueFull(maxWaiting));
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        running++;
        resolve();
      };
      const onAbort = () => {
        const i = waiting.indexOf(grant);
        if (i >= 0) waiting.splice(i, 1);
        reject(signal.reason);
      };
      waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  return {
    async run(fn, signal) {
      await acquire(signal);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    stats: () => ({ running, waiting: waiting.length }),
  };
}
