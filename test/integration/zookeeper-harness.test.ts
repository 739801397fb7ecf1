import { describe, expect, it } from 'vitest';
import { startZooKeeper } from '../../launcher/zookeeper';
import { waitForPort } from '../../launcher/ports';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('ZooKeeper harness', () => {
  it('starts a real ZooKeeper on a free port and leaves no process behind', async () => {
    const zk = await startZooKeeper();
    const pid = zk.pid()!;
    try {
      expect(alive(pid)).toBe(true);
      await waitForPort(zk.port);
    } finally {
      await zk.stop();
    }
    expect(alive(pid)).toBe(false);
  });

  it('pauses and restarts on the same port keeping its data dir', async () => {
    const zk = await startZooKeeper();
    try {
      const first = zk.pid()!;
      await zk.pause();
      expect(alive(first)).toBe(false);
      await zk.start();
      expect(zk.pid()).not.toBe(first);
      await waitForPort(zk.port);
    } finally {
      await zk.stop();
    }
  });
});
