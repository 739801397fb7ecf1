import { describe, expect, it } from 'vitest';
import { createWatcherHub } from './watcher-hub';

const tick = () => new Promise((r) => setImmediate(r));

describe('createWatcherHub', () => {
  it('delivers asynchronously, drops equal values and gives late watchers the current value', async () => {
    const hub = createWatcherHub<number[]>((v) => v.join(','));
    const a: number[][] = [];
    hub.add({ onChanged: (v) => a.push(v) });
    hub.publish([1]);
    expect(a).toEqual([]); // never inside the publisher's stack
    await tick();
    hub.publish([1]);
    await tick();
    expect(a).toEqual([[1]]);
    const b: number[][] = [];
    hub.add({ onChanged: (v) => b.push(v) });
    await tick();
    expect(b).toEqual([[1]]);
  });

  it('skips a value superseded before delivery', async () => {
    const hub = createWatcherHub<string>((v) => v);
    const got: string[] = [];
    hub.add({ onChanged: (v) => got.push(v) });
    hub.publish('a');
    hub.publish('b');
    await tick();
    expect(got).toEqual(['b']);
  });

  it('reports errors only to watchers that have no value yet', async () => {
    const hub = createWatcherHub<string>((v) => v);
    const errsA: string[] = [];
    const errsB: string[] = [];
    hub.add({ onChanged: () => {}, onError: (e) => errsA.push(e.message) });
    hub.publish('x');
    await tick();
    const offB = hub.add({ onChanged: () => {}, onError: (e) => errsB.push(e.message) });
    offB(); // gone before delivery: nothing arrives
    const errsC: string[] = [];
    const hub2 = createWatcherHub<string>((v) => v);
    hub2.add({ onChanged: () => {}, onError: (e) => errsC.push(e.message) });
    hub.error(new Error('down'));
    hub2.error(new Error('down'));
    await tick();
    expect(errsA).toEqual([]);
    expect(errsB).toEqual([]);
    expect(errsC).toEqual(['down']);
  });
});
