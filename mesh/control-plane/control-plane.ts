/**
 * ControlPlane: registry instances + traffic policy → one snapshot per node group → the
 * cache the ADS server watches. Changes are debounced (many ZooKeeper events become one
 * push), translators skip types a change cannot touch, a type's version moves only when its
 * bytes change, and a snapshot that fails the consistency check is never published.
 *
 * Nothing is published before the view is complete (`awaitSync`): a control plane that has
 * read the policies but not yet the instances (or nothing, ZooKeeper being slow or down) would
 * answer a reconnecting sidecar with clusters that have no endpoints, or with no clusters,
 * replacing the good config it still holds ("no healthy upstream" in the chaos run's
 * control-plane restart). Until then the ADS server's watches stay open (there is no snapshot to
 * answer from) and clients keep what they have, as Istio's pilot waits for its caches to sync.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../core/log';
import { createLogger } from '../../core/log';
import type { RegistrySnapshot, ServiceInstance } from '../registry';
import { consistent, makeResource, type Snapshot, type TypeResources } from './snapshot';
import { createSnapshotCache, type MemorySnapshotCache } from './snapshot-cache';
import type { ServicePolicy } from './policy/types';
import type { NodeInfo } from './stream-state';
import { cdsTranslator } from './translate/cds';
import { edsTranslator } from './translate/eds';
import { ldsTranslator } from './translate/lds';
import { rdsTranslator } from './translate/rds';
import type { MeshChange, MeshState, NodeGroup, Resource, ServiceState, Translator } from './types';
import { groupOf } from './node-group';

export const TRANSLATORS: readonly Translator[] = [cdsTranslator, edsTranslator, ldsTranslator, rdsTranslator];

export interface ControlPlaneOptions {
  /** Quiet time before a push (ms). */
  readonly debounceMs?: number;
  /** Longest a push may wait under constant churn (ms). */
  readonly maxDelayMs?: number;
  readonly log?: Logger;
  /** Version prefix; defaults to a random one per process so restarts never reuse versions. */
  readonly versionPrefix?: string;
  /** Inputs whose first complete read comes before any snapshot (default none: publish at once). */
  readonly awaitSync?: readonly SyncSource[];
}

/**
 * SyncSource: an input of the control plane. `instances` is synced by the first setInstances (a
 * registry snapshot is always complete: every service's folder read); `policies` by markSynced.
 */
export type SyncSource = 'instances' | 'policies';

export interface ControlPlane {
  readonly cache: MemorySnapshotCache;
  setInstances(snapshot: RegistrySnapshot): void;
  setPolicy(service: string, policy: ServicePolicy | undefined): void;
  /** markSynced: the first complete read of `source` has been delivered (see awaitSync). */
  markSynced(source: SyncSource): void;
  /** The inputs still awaited before the first snapshot (empty once publishing). */
  waitingFor(): SyncSource[];
  /** resolveGroup is the ADS server's hook: returns the node's group, building its snapshot if new. */
  resolveGroup(node: NodeInfo): NodeGroup;
  /** flush pushes pending changes now (tests, benchmarks). */
  flush(): void;
  /** Last publication problem per group (consistency errors), for the status page. */
  problems(): Record<string, string[]>;
  groups(): NodeGroup[];
  close(): void;
}

interface Pending {
  instances: Set<string>;
  policies: Set<string>;
  serviceSet: boolean;
}

/** createControlPlane makes the translation engine (no I/O of its own). */
export function createControlPlane(opts: ControlPlaneOptions = {}): ControlPlane {
  const log = opts.log ?? createLogger({ component: 'control-plane' });
  const debounceMs = opts.debounceMs ?? 20;
  const maxDelayMs = opts.maxDelayMs ?? 250;
  const prefix = opts.versionPrefix ?? `${randomBytes(3).toString('hex')}-`;
  const cache = createSnapshotCache();
  let instances = new Map<string, readonly ServiceInstance[]>();
  const policies = new Map<string, ServicePolicy>();
  const groups = new Map<string, NodeGroup>();
  const counters = new Map<string, number>();
  const problems: Record<string, string[]> = {};
  let pending: Pending | undefined;
  let timer: NodeJS.Timeout | undefined;
  let firstPendingAt = 0;
  let expiryTimer: NodeJS.Timeout | undefined;
  const waiting = new Set<SyncSource>(opts.awaitSync ?? []);
  const createdAt = Date.now();
  if (waiting.size) log.info('waiting for a complete view before publishing', { event: 'awaiting-sync', waitingFor: [...waiting] });

  const state = (): MeshState => {
    const services = new Map<string, ServiceState>();
    for (const name of new Set([...instances.keys(), ...policies.keys()]))
      services.set(name, { name, instances: instances.get(name) ?? [], policy: policies.get(name) ?? {} });
    return { services, now: Date.now() };
  };

  const buildGroup = (group: NodeGroup, mesh: MeshState, change: MeshChange) => {
    if (waiting.size) return; // markSynced builds every group once the view is complete
    try {
      publish(group, mesh, change);
    } catch (err) {
      // A translator bug (or a resource failing the Envoy schema check) must not reach clients.
      problems[group.key] = [err instanceof Error ? err.message : String(err)];
      log.error('snapshot not published: build failed', { group: group.key, error: problems[group.key][0] });
    }
  };

  const publish = (group: NodeGroup, mesh: MeshState, change: MeshChange) => {
    const old = cache.getSnapshot(group.key);
    const next = new Map<string, TypeResources>();
    for (const tr of TRANSLATORS) {
      const prev = old?.get(tr.typeUrl);
      if (prev && !tr.needsPush(change, group)) {
        next.set(tr.typeUrl, prev);
        continue;
      }
      const resources = new Map<string, Resource>();
      for (const { name, object } of tr.build(mesh, group)) resources.set(name, makeResource(tr.typeUrl, name, object));
      const same = prev && prev.resources.size === resources.size && [...resources.values()].every((r) => prev.resources.get(r.name)?.hash === r.hash);
      if (same) next.set(tr.typeUrl, prev);
      else {
        const key = `${group.key} ${tr.typeUrl}`;
        const n = (counters.get(key) ?? 0) + 1;
        counters.set(key, n);
        next.set(tr.typeUrl, { version: `${prefix}${n}`, resources });
      }
    }
    const check = consistent(next as Snapshot);
    if (!check.ok) {
      problems[group.key] = check.errors;
      log.error('snapshot not published: inconsistent', { group: group.key, errors: check.errors });
      return;
    }
    delete problems[group.key];
    cache.setSnapshot(group.key, next);
  };

  const scheduleExpiry = (mesh: MeshState) => {
    if (expiryTimer) clearTimeout(expiryTimer);
    expiryTimer = undefined;
    let soonest: { at: number; service: string } | undefined;
    for (const svc of mesh.services.values()) {
      const at = svc.policy.fault?.expiresAt ? Date.parse(svc.policy.fault.expiresAt) : NaN;
      if (at > mesh.now && (!soonest || at < soonest.at)) soonest = { at, service: svc.name };
    }
    if (!soonest) return;
    const { service } = soonest;
    expiryTimer = setTimeout(() => enqueue({ policies: [service] }), Math.min(soonest.at - mesh.now + 5, 2 ** 31 - 1));
    expiryTimer.unref();
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const change = pending;
    pending = undefined;
    if (!change) return;
    const mesh = state();
    const started = Date.now();
    for (const g of groups.values()) buildGroup(g, mesh, change);
    scheduleExpiry(mesh);
    log.debug('pushed', { groups: groups.size, services: mesh.services.size, ms: Date.now() - started });
  };

  const enqueue = (c: { instances?: Iterable<string>; policies?: Iterable<string>; serviceSet?: boolean }) => {
    if (!pending) {
      pending = { instances: new Set(), policies: new Set(), serviceSet: false };
      firstPendingAt = Date.now();
    }
    for (const s of c.instances ?? []) pending.instances.add(s);
    for (const s of c.policies ?? []) pending.policies.add(s);
    pending.serviceSet ||= c.serviceSet ?? false;
    if (timer) clearTimeout(timer);
    const wait = Math.max(0, Math.min(debounceMs, firstPendingAt + maxDelayMs - Date.now()));
    timer = setTimeout(flush, wait);
  };

  const everything = (): MeshChange => ({ instances: new Set(instances.keys()), policies: new Set(policies.keys()), serviceSet: true });

  const markSynced = (source: SyncSource) => {
    if (!waiting.delete(source) || waiting.size) return;
    log.info('view complete: publishing', { event: 'synced', ms: Date.now() - createdAt, services: state().services.size, groups: groups.size });
    if (timer) clearTimeout(timer);
    timer = undefined;
    pending = undefined;
    const mesh = state();
    for (const g of groups.values()) buildGroup(g, mesh, everything());
    scheduleExpiry(mesh);
  };

  const sameInstances = (a: readonly ServiceInstance[] | undefined, b: readonly ServiceInstance[] | undefined) =>
    JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

  return {
    cache,
    setInstances(snapshot) {
      const changed = new Set<string>();
      for (const name of new Set([...instances.keys(), ...snapshot.keys()])) if (!sameInstances(instances.get(name), snapshot.get(name))) changed.add(name);
      const serviceSet = [...snapshot.keys()].some((k) => !instances.has(k)) || [...instances.keys()].some((k) => !snapshot.has(k));
      instances = new Map(snapshot);
      if (changed.size || serviceSet) enqueue({ instances: changed, serviceSet });
      markSynced('instances');
    },
    setPolicy(service, policy) {
      const had = policies.has(service);
      if (JSON.stringify(policies.get(service) ?? null) === JSON.stringify(policy ?? null)) return;
      if (policy) policies.set(service, policy);
      else policies.delete(service);
      enqueue({ policies: [service], serviceSet: had !== !!policy && !instances.has(service) });
    },
    markSynced,
    waitingFor: () => [...waiting],
    resolveGroup(node) {
      const g = groupOf(node);
      if (!groups.has(g.key)) {
        groups.set(g.key, g);
        buildGroup(g, state(), { instances: new Set(), policies: new Set(), serviceSet: true });
      }
      return groups.get(g.key)!;
    },
    flush,
    problems: () => ({ ...problems }),
    groups: () => [...groups.values()],
    close() {
      if (timer) clearTimeout(timer);
      if (expiryTimer) clearTimeout(expiryTimer);
    },
  };
}
