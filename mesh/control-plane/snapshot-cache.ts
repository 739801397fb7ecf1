/**
 * SnapshotCache: one Snapshot per node group and the open watches on it. The ADS server
 * sees the cache only through createWatch (go-control-plane's ConfigWatcher seam): the
 * cache never imports grpc-js, the stream handler never reads snapshots.
 * A watch answers once, with every subscribed resource of its type, as soon as what the
 * stream last received differs from the snapshot (or at once when forced). Comparing
 * per-resource hashes instead of versions is what stops a NACKed version being re-sent:
 * the stream already holds those bytes, so nothing differs until the content changes.
 */
import { RESPONSE_ORDER, type Snapshot } from './snapshot';
import type { Resource } from './types';

/** WatchRequest names the group and type watched. */
export interface WatchRequest {
  readonly groupKey: string;
  readonly typeUrl: string;
}

/** Subscription is what the stream asked for and what it already holds. */
export interface Subscription {
  readonly names: ReadonlySet<string>;
  /** Envoy's LDS/CDS with no names: every resource of the type. */
  readonly wildcard: boolean;
  /** Hash of each resource last sent on this stream for the type; undefined before the first response. */
  readonly sent: ReadonlyMap<string, string> | undefined;
  /** Answer even when nothing changed (new subscription, or Envoy re-asking while warming). */
  readonly force: boolean;
}

/** WatchResponse is what the ADS server sends: the type's version and resources. */
export interface WatchResponse {
  readonly version: string;
  readonly resources: readonly Resource[];
}

/** SnapshotCache is the one-method seam between cache and ADS server. */
export interface SnapshotCache {
  /** createWatch answers (now or later) through respond; the returned function cancels it. */
  createWatch(req: WatchRequest, subscription: Subscription, respond: (r: WatchResponse) => void): () => void;
}

interface Watch {
  readonly req: WatchRequest;
  readonly sub: Subscription;
  readonly respond: (r: WatchResponse) => void;
}

/** MemorySnapshotCache holds snapshots in memory; the control plane publishes with setSnapshot. */
export interface MemorySnapshotCache extends SnapshotCache {
  setSnapshot(groupKey: string, snap: Snapshot): void;
  getSnapshot(groupKey: string): Snapshot | undefined;
  groups(): string[];
  /** Number of open watches (status, tests). */
  watchCount(): number;
}

function select(snap: Snapshot, req: WatchRequest, sub: Subscription): Resource[] {
  const all = snap.get(req.typeUrl)?.resources;
  if (!all) return [];
  if (sub.wildcard) return [...all.values()];
  const out: Resource[] = [];
  for (const n of sub.names) {
    const r = all.get(n);
    if (r) out.push(r);
  }
  return out;
}

function differs(resources: readonly Resource[], sent: ReadonlyMap<string, string> | undefined): boolean {
  if (!sent || sent.size !== resources.length) return true;
  return resources.some((r) => sent.get(r.name) !== r.hash);
}

/** createSnapshotCache makes an in-memory cache. */
export function createSnapshotCache(): MemorySnapshotCache {
  const snapshots = new Map<string, Snapshot>();
  const watches = new Map<string, Set<Watch>>();

  const tryAnswer = (w: Watch, snap: Snapshot): boolean => {
    const resources = select(snap, w.req, w.sub);
    if (!w.sub.force && !differs(resources, w.sub.sent)) return false;
    w.respond({ version: snap.get(w.req.typeUrl)?.version ?? '', resources });
    return true;
  };

  return {
    createWatch(req, sub, respond) {
      const w: Watch = { req, sub, respond };
      const snap = snapshots.get(req.groupKey);
      if (snap && tryAnswer(w, snap)) return () => undefined;
      let set = watches.get(req.groupKey);
      if (!set) watches.set(req.groupKey, (set = new Set()));
      set.add(w);
      return () => set!.delete(w);
    },
    setSnapshot(groupKey, snap) {
      snapshots.set(groupKey, snap);
      const set = watches.get(groupKey);
      if (!set) return;
      // Answer in make-before-break order so a route never names a cluster the client lacks.
      for (const typeUrl of RESPONSE_ORDER)
        for (const w of [...set]) if (w.req.typeUrl === typeUrl && tryAnswer(w, snap)) set.delete(w);
      for (const w of [...set]) if (!RESPONSE_ORDER.includes(w.req.typeUrl as (typeof RESPONSE_ORDER)[number]) && tryAnswer(w, snap)) set.delete(w);
    },
    getSnapshot: (groupKey) => snapshots.get(groupKey),
    groups: () => [...snapshots.keys()],
    watchCount: () => [...watches.values()].reduce((n, s) => n + s.size, 0),
  };
}
