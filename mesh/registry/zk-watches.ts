/**
 * zk-watches: persistent watches on top of ZooKeeper's one-time watches. Each watch keeps
 * one watcher function per client generation (node-zookeeper-client de-duplicates the same
 * function on a path, so re-arming never piles up watchers), re-reads after every event,
 * and is re-armed on the next connection when a read failed or the client was replaced
 * after a session expiry. Values equal to the last delivered one are dropped.
 * @private
 */
import type { Logger } from '../../core/log';
import { ZK_CODES, type ZkEvent, type ZkException, type ZkRawClient, type ZkStat } from './zk-client';

/** ZkNodeData is a znode's bytes and version (ephemeralOwner: hex session id, '0' for persistent nodes). */
export interface ZkNodeData {
  readonly data: Buffer;
  readonly version: number;
  readonly ephemeralOwner?: string;
}

type WatchKind = 'data' | 'children';

interface WatchEntry {
  readonly kind: WatchKind;
  readonly path: string;
  readonly cb: (value: never) => void;
  active: boolean;
  /** Generation of the client the watch is armed on; 0 = not armed. */
  armedGen: number;
  watcherGen: number;
  watcher?: (e: ZkEvent) => void;
  lastKey?: string;
}

/** WatchSetDeps is what the watch set needs from its session. */
export interface WatchSetDeps {
  current(): { client: ZkRawClient; generation: number; connected: boolean };
  log: Logger;
}

/** WatchSet holds every watch of a session. */
export interface WatchSet {
  add(kind: 'data', path: string, cb: (value: ZkNodeData | undefined) => void): () => void;
  add(kind: 'children', path: string, cb: (children: string[]) => void): () => void;
  /** armAll arms every watch not armed on the current client (after (re)connecting). */
  armAll(): void;
  clear(): void;
}

/** ownerHex renders an ephemeralOwner / session id buffer. */
export const ownerHex = (b: Buffer | undefined): string => (b ? b.toString('hex').replace(/^0+(?=.)/, '') : '0');

/** createWatchSet builds the watch set of one session. */
export function createWatchSet(deps: WatchSetDeps): WatchSet {
  const entries = new Set<WatchEntry>();

  const deliver = (e: WatchEntry, key: string, value: unknown) => {
    if (!e.active || e.lastKey === key) return;
    e.lastKey = key;
    try {
      (e.cb as (v: unknown) => void)(value);
    } catch (err) {
      deps.log.error('ZooKeeper watch callback failed', { path: e.path, err: err instanceof Error ? err.message : String(err) });
    }
  };

  const failed = (e: WatchEntry, gen: number, err: ZkException) => {
    if (!e.active || gen !== deps.current().generation) return;
    e.armedGen = 0;
    deps.log.debug('ZooKeeper watch read failed; re-arming on the next connection', { path: e.path, code: err.code });
    // Still connected (a transient error): retry soon; otherwise armAll() on reconnect does it.
    setTimeout(() => {
      if (e.active && e.armedGen === 0 && deps.current().connected) arm(e);
    }, 500).unref();
  };

  const arm = (e: WatchEntry): void => {
    const { client, generation: gen, connected } = deps.current();
    if (!e.active || !connected) return;
    if (e.watcherGen !== gen || !e.watcher) {
      e.watcherGen = gen;
      e.watcher = () => {
        if (e.active && gen === deps.current().generation) arm(e);
      };
    }
    const watcher = e.watcher;
    e.armedGen = gen;
    const stale = () => !e.active || gen !== deps.current().generation;
    // A missing node gets an exists-watch so its creation wakes us up.
    const whenMissing = (onAbsent: () => void) =>
      client.exists(e.path, watcher, (err, stat) => {
        if (stale()) return;
        if (err) return failed(e, gen, err);
        if (stat) return arm(e); // created between the two reads
        onAbsent();
      });
    if (e.kind === 'children') {
      client.getChildren(e.path, watcher, (err, children) => {
        if (stale()) return;
        if (err?.code === ZK_CODES.NO_NODE) return whenMissing(() => deliver(e, '', []));
        if (err) return failed(e, gen, err);
        const sorted = [...children].sort();
        deliver(e, sorted.join('\n'), sorted);
      });
    } else {
      client.getData(e.path, watcher, (err, data, stat: ZkStat) => {
        if (stale()) return;
        if (err?.code === ZK_CODES.NO_NODE) return whenMissing(() => deliver(e, '', undefined));
        if (err) return failed(e, gen, err);
        const bytes = data ?? Buffer.alloc(0);
        const owner = ownerHex(stat.ephemeralOwner);
        deliver(e, `${stat.version}:${owner}:${bytes.toString('base64')}`, { data: bytes, version: stat.version, ephemeralOwner: owner });
      });
    }
  };

  return {
    add(kind: WatchKind, path: string, cb: (value: never) => void) {
      const e: WatchEntry = { kind, path, cb, active: true, armedGen: 0, watcherGen: 0 };
      entries.add(e);
      arm(e);
      return () => {
        e.active = false;
        entries.delete(e);
      };
    },
    armAll() {
      const gen = deps.current().generation;
      for (const e of entries) if (e.armedGen !== gen) arm(e);
    },
    clear() {
      for (const e of entries) e.active = false;
      entries.clear();
    },
  } as WatchSet;
}
