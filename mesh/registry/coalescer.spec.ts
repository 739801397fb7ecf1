import { describe, expect, it } from 'vitest';
import { createCoalescer } from './coalescer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createCoalescer', () => {
  it('runs a lone change on the next turn and merges a burst into one trailing run', async () => {
    let runs = 0;
    const c = createCoalescer(40, () => (runs++, true));
    c.schedule();
    expect(runs).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(runs).toBe(1);
    for (let i = 0; i < 10; i++) c.schedule();
    await sleep(5);
    expect(runs).toBe(1); // inside the window: waiting
    await sleep(80);
    expect(runs).toBe(2);
  });

  it('retries without a window when flush could not publish, and cancel stops a pending run', async () => {
    let ready = false;
    let published = 0;
    const c = createCoalescer(1_000, () => (ready ? (published++, true) : false));
    c.schedule();
    await new Promise((r) => setImmediate(r));
    ready = true;
    c.schedule();
    await new Promise((r) => setImmediate(r));
    expect(published).toBe(1);
    c.schedule();
    c.cancel();
    await sleep(20);
    expect(published).toBe(1);
  });
});
