import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZkSession, isZkError, type ZkSession } from '../../mesh/registry';
import { setLogLevel } from '../../core/log';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { eventually } from './support';

setLogLevel('error');

describe('ZkSession against a real ZooKeeper', () => {
  let zk: ZooKeeperServer;
  const sessions: ZkSession[] = [];
  const open = (timeout = 2_000) => {
    const s = createZkSession({ connectString: zk.connectString, sessionTimeoutMs: timeout });
    sessions.push(s);
    return s;
  };

  beforeAll(async () => {
    zk = await startZooKeeper({ tickTimeMs: 250, minSessionTimeoutMs: 500 });
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await zk?.stop();
  });

  it('does CRUD with versions, missing nodes and atomic multi', async () => {
    const s = open();
    expect(await s.waitConnected(10_000)).toBe(true);
    await s.mkdirp('/t/crud');
    expect(await s.exists('/t/crud')).toBe(true);
    expect(await s.getChildren('/t/nothing-here')).toEqual([]);
    expect(await s.getData('/t/nothing-here')).toBeUndefined();
    await s.remove('/t/nothing-here');
    const p = await s.create('/t/crud/a', Buffer.from('one'));
    expect(p).toBe('/t/crud/a');
    const seq = await s.create('/t/crud/job-', Buffer.from('x'), 'persistent_sequential');
    expect(seq).toMatch(/^\/t\/crud\/job-\d{10}$/);
    const v = await s.getData('/t/crud/a');
    expect(v?.data.toString()).toBe('one');
    await s.setData('/t/crud/a', Buffer.from('two'), v!.version);
    const err = await s.setData('/t/crud/a', Buffer.from('three'), v!.version).catch((e) => e);
    expect(isZkError(err, 'BAD_VERSION')).toBe(true);
    const exists = await s.create('/t/crud/a').catch((e) => e);
    expect(isZkError(exists, 'NODE_EXISTS')).toBe(true);
    await s.multi([
      { op: 'remove', path: '/t/crud/a' },
      { op: 'create', path: '/t/crud/b', data: Buffer.from('b'), mode: 'ephemeral' },
    ]);
    expect((await s.getChildren('/t/crud')).sort()).toEqual([seq.split('/').pop(), 'b'].sort());
    expect((await s.getData('/t/crud/b'))?.ephemeralOwner).toBe(s.sessionId());
  });

  it('watches data and children, re-armed after each event, equal values dropped', async () => {
    const s = open();
    const w = open();
    await s.waitConnected(10_000);
    const children: string[][] = [];
    const values: (string | undefined)[] = [];
    const offC = w.watchChildren('/t/watch', (c) => children.push(c));
    const offD = w.watchData('/t/watch/x', (v) => values.push(v?.data.toString()));
    await eventually(() => expect(children).toEqual([[]]));
    await s.mkdirp('/t/watch');
    await s.create('/t/watch/x', Buffer.from('1'));
    await eventually(() => expect(values.at(-1)).toBe('1'));
    await s.setData('/t/watch/x', Buffer.from('2'));
    await eventually(() => expect(values.at(-1)).toBe('2'));
    await s.create('/t/watch/y');
    await eventually(() => expect(children.at(-1)).toEqual(['x', 'y']));
    await s.remove('/t/watch/x');
    await eventually(() => expect(values.at(-1)).toBeUndefined());
    await eventually(() => expect(children.at(-1)).toEqual(['y']));
    expect(values).toEqual([undefined, '1', '2', undefined]);
    offC();
    offD();
  });

  it('rejects at once while disconnected, detects expiry itself and restores watches on a new session', async () => {
    const s = open(1_000);
    const w = open(1_000);
    await s.waitConnected(10_000);
    await w.waitConnected(10_000);
    const states: string[] = [];
    w.onState((st) => states.push(st));
    const seen: string[][] = [];
    w.watchChildren('/t/expiry', (c) => seen.push(c));
    await s.mkdirp('/t/expiry');
    await eventually(() => expect(seen.at(-1)).toEqual([]));
    const firstSession = w.sessionId();

    await zk.pause();
    await eventually(() => expect(states).toContain('disconnected'));
    const err = await w.getChildren('/t/expiry').catch((e) => e);
    expect(isZkError(err, 'DISCONNECTED')).toBe(true);
    // ZooKeeper stays down for longer than the session timeout: our own timer says expired.
    await eventually(() => expect(states).toContain('expired'), 10_000);
    await zk.start();
    await eventually(() => expect(w.isConnected()).toBe(true), 20_000);
    expect(w.sessionId()).not.toBe(firstSession);
    await s.waitConnected(20_000);
    await s.create('/t/expiry/after');
    await eventually(() => expect(seen.at(-1)).toEqual(['after']), 10_000);
  });
});
