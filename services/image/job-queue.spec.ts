import { describe, expect, it } from 'vitest';
import { createJobQueue } from './job-queue';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('createJobQueue', () => {
  it('runs at most `concurrency` jobs at once, the rest in FIFO order', async () => {
    const q = createJobQueue(2, 10);
    const gates = [deferred(), deferred(), deferred()];
    const order: number[] = [];
    const signal = new AbortController().signal;
    const jobs = gates.map((g, i) => q.run(async () => (order.push(i), g.promise), signal));
    await Promise.resolve();
    expect(q.stats()).toEqual({ running: 2, waiting: 1 });
    gates[0].resolve();
    await jobs[0];
    await new Promise((r) => setTimeout(r, 0));
    expect(order).toEqual([0, 1, 2]);
    gates[1].resolve();
    gates[2].resolve();
    await Promise.all(jobs);
    expect(q.stats()).toEqual({ running: 0, waiting: 0 });
  });
  it('refuses with RESOURCE_EXHAUSTED when the waiting room is full', async () => {
    const q = createJobQueue(1, 1);
    const gate = deferred();
    const signal = new AbortController().signal;
    const first = q.run(() => gate.promise, signal);
    const second = q.run(async () => undefined, signal);
    await expect(q.run(async () => undefined, signal)).rejects.toMatchObject({ code: 8 });
    gate.resolve();
    await Promise.all([first, second]);
  });
  it('a waiting caller whose signal aborts leaves the queue', async () => {
    const q = createJobQueue(1, 5);
    const gate = deferred();
    const first = q.run(() => gate.promise, new AbortController().signal);
    const ac = new AbortController();
    const waiting = q.run(async () => 'ran', ac.signal);
    ac.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(q.stats().waiting).toBe(0);
    gate.resolve();
    await first;
  });
});
