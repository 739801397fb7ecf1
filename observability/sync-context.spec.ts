import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { SyncContextManager } from './sync-context';

const key = createContextKey('test');
const manager = new SyncContextManager();

describe('SyncContextManager', () => {
  it('makes a context active for the synchronous extent of with(), nested, and restores it after a throw', () => {
    const a = ROOT_CONTEXT.setValue(key, 'a');
    const b = ROOT_CONTEXT.setValue(key, 'b');
    const seen = manager.with(a, (x: number) => {
      const inner = manager.with(b, () => manager.active().getValue(key));
      return [x, manager.active().getValue(key), inner];
    }, undefined, 7);
    expect(seen).toEqual([7, 'a', 'b']);
    expect(manager.active()).toBe(ROOT_CONTEXT);
    expect(() => manager.with(a, () => { throw new Error('boom'); })).toThrow('boom');
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('does not follow an await: the continuation starts at ROOT, never in another context', async () => {
    const a = ROOT_CONTEXT.setValue(key, 'a');
    const after = await manager.with(a, async () => {
      await Promise.resolve();
      return manager.active();
    });
    expect(after).toBe(ROOT_CONTEXT);
  });

  it('bind() runs a function in the bound context whenever it is called, with its this and arguments', () => {
    const a = ROOT_CONTEXT.setValue(key, 'a');
    const bound = manager.bind(a, function (this: { n: number }, m: number) {
      return [this.n + m, manager.active().getValue(key)];
    });
    expect(bound.call({ n: 1 }, 2)).toEqual([3, 'a']);
    const emitterLike = { on: () => undefined };
    expect(manager.bind(a, emitterLike)).toBe(emitterLike);
  });
});
