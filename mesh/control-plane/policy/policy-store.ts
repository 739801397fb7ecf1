/**
 * Policy in ZooKeeper: one JSON znode per service at <base>/policy/<service>. The watcher
 * validates every change; an invalid policy is reported (status page, log) and the last
 * good one stays in force. writePolicy (CLI) validates before it writes, with a version
 * check so two operators cannot silently overwrite each other.
 */
import type { Logger } from '../../../core/log';
import type { ZkSession } from '../../registry';
import { invalidPolicyError } from '../errors';
import type { ServicePolicy } from './types';
import { validatePolicy } from './validate-policy';

/** policyRoot is the folder of policy znodes. */
export const policyRoot = (base: string): string => `${base.replace(/\/+$/, '')}/policy`;
export const policyPath = (base: string, service: string): string => `${policyRoot(base)}/${service}`;

export interface PolicyWatcher {
  /** A service's valid policy (undefined: removed). */
  onPolicy(service: string, policy: ServicePolicy | undefined): void;
  /** A stored policy is invalid (errors with field paths) and was not applied. */
  onInvalid?(service: string, errors: string[]): void;
  /** Once: every policy stored when the watch started has been read (the control plane's initial sync). */
  onSynced?(): void;
}

/** parsePolicy parses and validates one znode's bytes. */
export function parsePolicy(data: Buffer): { ok: true; value: ServicePolicy } | { ok: false; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch (err) {
    return { ok: false, errors: [`policy: not JSON (${(err as Error).message})`] };
  }
  return validatePolicy(json);
}

/** watchPolicies follows every policy znode; returns a stop function. */
export function watchPolicies(session: ZkSession, base: string, watcher: PolicyWatcher, log: Logger): () => void {
  const perService = new Map<string, () => void>();
  const root = policyRoot(base);
  // The initial sync: the first listing, then a first read of each policy it named.
  let synced = false;
  let listed = false;
  const unread = new Set<string>();
  const checkSynced = () => {
    if (synced || !listed || unread.size) return;
    synced = true;
    watcher.onSynced?.();
  };
  const apply = (svc: string, data: Buffer) => {
    const parsed = parsePolicy(data);
    if (parsed.ok) watcher.onPolicy(svc, parsed.value);
    else {
      log.warn('invalid policy ignored; the last good one stays', { service: svc, errors: parsed.errors });
      watcher.onInvalid?.(svc, parsed.errors);
    }
  };
  const stopChildren = session.watchChildren(root, (children) => {
    const now = new Set(children);
    for (const [svc, stop] of perService)
      if (!now.has(svc)) {
        stop();
        perService.delete(svc);
        unread.delete(svc);
        watcher.onPolicy(svc, undefined);
      }
    for (const svc of now) {
      if (perService.has(svc)) continue;
      if (!synced) unread.add(svc);
      perService.set(
        svc,
        session.watchData(`${root}/${svc}`, (node) => {
          const first = unread.delete(svc);
          // A missing node: its removal is seen through the children watch.
          if (node) apply(svc, node.data);
          if (first) checkSynced();
        }),
      );
    }
    listed = true;
    checkSynced();
  });
  return () => {
    stopChildren();
    for (const stop of perService.values()) stop();
  };
}

/** readPolicy returns a service's stored policy and znode version (undefined: none). */
export async function readPolicy(session: ZkSession, base: string, service: string): Promise<{ policy: ServicePolicy; version: number } | undefined> {
  const node = await session.getData(policyPath(base, service));
  if (!node) return undefined;
  const parsed = parsePolicy(node.data);
  if (!parsed.ok) throw invalidPolicyError(service, parsed.errors);
  return { policy: parsed.value, version: node.version };
}

/** writePolicy validates and stores a policy; `version` (from readPolicy) guards against lost updates. */
export async function writePolicy(session: ZkSession, base: string, service: string, policy: unknown, version?: number): Promise<ServicePolicy> {
  const checked = validatePolicy(policy);
  if (!checked.ok) throw invalidPolicyError(service, checked.errors);
  const data = Buffer.from(JSON.stringify(checked.value, null, 2));
  const path = policyPath(base, service);
  if (await session.exists(path)) await session.setData(path, data, version);
  else {
    await session.mkdirp(policyRoot(base));
    await session.create(path, data, 'persistent');
  }
  return checked.value;
}
