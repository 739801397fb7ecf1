import { describe, expect, it, vi } from 'vitest';
import { connectionManagerPrototype, guardOnSocketData, guardZkParser } from './zk-parse-guard';

describe('guardOnSocketData', () => {
  it('turns a parse error into a dropped connection instead of an exception', () => {
    const destroy = vi.fn();
    const errors: unknown[] = [];
    const parse = guardOnSocketData(() => {
      throw new Error('Unknown code: 980221959');
    }, (e) => errors.push(e));
    const conn = { pendingBuffer: Buffer.from('junk'), socket: { destroy } };
    expect(() => parse.call(conn, Buffer.from(':m\x00\x07'))).not.toThrow();
    expect(destroy).toHaveBeenCalledOnce();
    expect(conn.pendingBuffer).toBeNull();
    expect(String(errors[0])).toMatch(/Unknown code/);
  });

  it('passes good data through untouched', () => {
    const seen: Buffer[] = [];
    const parse = guardOnSocketData(function (b) {
      seen.push(b);
    });
    parse.call({ socket: { destroy: () => undefined } }, Buffer.from('ok'));
    expect(seen.map(String)).toEqual(['ok']);
  });
});

describe('guardZkParser on the installed node-zookeeper-client', () => {
  it('finds the private method it patches, and wraps it', () => {
    // A version without ConnectionManager.prototype.onSocketData would leave the process unguarded:
    // package.json pins node-zookeeper-client exactly, and this fails when an upgrade drops the method.
    const proto = connectionManagerPrototype();
    expect(typeof proto.onSocketData).toBe('function');
    const original = proto.onSocketData;
    guardZkParser();
    expect(proto.onSocketData).not.toBe(original);
    expect(typeof proto.onSocketData).toBe('function');
  });
});
