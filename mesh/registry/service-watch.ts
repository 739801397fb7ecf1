/**
 * watchServiceNodes: the live instance list of one service. A children watch on the
 * service folder plus one data watch per instance znode (so a health or weight update is
 * one getData, not a re-read of the folder). Changes are coalesced (createCoalescer) and
 * published only once every listed child has been read, so a burst of registrations is
 * one update and nobody sees a half-read folder. A znode that does not decode is skipped
 * with a logged error.
 * @private
 */
import type { Logger } from '../../core/log';
import { createCoalescer } from './coalescer';
import { decodeInstance } from './curator-json';
import { servicePath } from './paths';
import type { ServiceInstance } from './types';
import type { ZkSession } from './zk-session';

export interface ServiceNodesOptions {
  session: ZkSession;
  basePath: string;
  service: string;
  coalesceMs: number;
  log: Logger;
  onInstances(instances: readonly ServiceInstance[]): void;
}

interface ChildState {
  unwatch: () => void;
  /** undefined until the first read; null = missing, disabled or invalid. */
  instance?: ServiceInstance | null;
  badKey?: string;
}

/** watchServiceNodes starts watching; returns stop. */
export function watchServiceNodes(opts: ServiceNodesOptions): () => void {
  const { session, service, log } = opts;
  const folder = servicePath(opts.basePath, service);
  const children = new Map<string, ChildState>();
  let listed = false;
  let stopped = false;

  const flush = (): boolean => {
    if (stopped || !listed) return false;
    const states = [...children.values()];
    if (states.some((s) => s.instance === undefined)) return false; // a read is outstanding: it schedules again
    const instances = states.map((s) => s.instance).filter((i): i is ServiceInstance => !!i);
    instances.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    opts.onInstances(instances);
    return true;
  };
  const coalescer = createCoalescer(opts.coalesceMs, flush);
  const schedule = () => !stopped && coalescer.schedule();

  const watchChild = (node: string): ChildState => {
    const state: ChildState = { unwatch: () => {} };
    state.unwatch = session.watchData(`${folder}/${node}`, (value) => {
      if (!value) {
        state.instance = null;
        return schedule();
      }
      const decoded = decodeInstance(service, node, value.data);
      if (!decoded.ok) {
        const key = decoded.errors.join('; ');
        if (state.badKey !== key) log.error('skipping an invalid registry node', { event: 'bad-znode', path: `${folder}/${node}`, errors: decoded.errors });
        state.badKey = key;
        state.instance = null;
      } else {
        state.badKey = undefined;
        state.instance = decoded.value === 'disabled' ? null : decoded.value;
      }
      schedule();
    });
    return state;
  };

  const unwatchFolder = session.watchChildren(folder, (names) => {
    listed = true;
    const wanted = new Set(names);
    for (const [node, state] of children) {
      if (wanted.has(node)) continue;
      state.unwatch();
      children.delete(node);
    }
    for (const node of names) if (!children.has(node)) children.set(node, watchChild(node));
    schedule();
  });

  return () => {
    stopped = true;
    coalescer.cancel();
    unwatchFolder();
    for (const s of children.values()) s.unwatch();
    children.clear();
  };
}
