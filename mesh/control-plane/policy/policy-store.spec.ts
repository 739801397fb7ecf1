import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/log';
import type { ZkNodeData, ZkSession } from '../../registry';
import { watchPolicies } from './policy-store';

/** A session whose watches the test answers by hand, in the order ZooKeeper's replies may come. */
function fakeSession() {
  const children = new Map<string, (names: string[]) => void>();
  const data = new Map<string, (node: ZkNodeData | undefined) => void>();
  const session = {
    watchChildren: (path: string, cb: (names: string[]) => void) => (children.set(path, cb), () => children.delete(path)),
    watchData: (path: string, cb: (node: ZkNodeData | undefined) => void) => (data.set(path, cb), () => data.delete(path)),
  } as unknown as ZkSession;
  const policy = (json: unknown): ZkNodeData => ({ data: Buffer.from(JSON.stringify(json)), version: 0 });
  return { session, children, data, policy };
}

describe('watchPolicies onSynced', () => {
  it('fires once, after the listing and a first read of every policy it named (valid, invalid or gone)', () => {
    const zk = fakeSession();
    const events: string[] = [];
    watchPolicies(zk.session, '/m', { onPolicy: (svc) => events.push(`policy ${svc}`), onInvalid: (svc) => events.push(`invalid ${svc}`), onSynced: () => events.push('synced') }, createLogger({ component: 'spec' }));
    zk.children.get('/m/policy')!(['image', 'storage', 'video']);
    zk.data.get('/m/policy/image')!(zk.policy({ retry: { on: ['unavailable'], attempts: 2 } }));
    zk.data.get('/m/policy/storage')!(zk.policy({ colour: 'blue' }));
    expect(events).toEqual(['policy image', 'invalid storage']);
    zk.data.get('/m/policy/video')!(undefined); // deleted between the listing and the read
    zk.data.get('/m/policy/image')!(zk.policy({ retry: { on: ['unavailable'], attempts: 3 } }));
    zk.children.get('/m/policy')!(['image', 'storage', 'video', 'gateway']);
    zk.data.get('/m/policy/gateway')!(zk.policy({}));
    expect(events).toEqual(['policy image', 'invalid storage', 'synced', 'policy image', 'policy gateway']);
  });

  it('an empty or missing policy folder is synced at its listing', () => {
    const zk = fakeSession();
    let synced = 0;
    watchPolicies(zk.session, '/m', { onPolicy: () => {}, onSynced: () => synced++ }, createLogger({ component: 'spec' }));
    expect(synced).toBe(0);
    zk.children.get('/m/policy')!([]);
    zk.children.get('/m/policy')!(['image']);
    expect(synced).toBe(1);
  });
});
