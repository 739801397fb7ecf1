/**
 * createInstanceRegistration: one instance's ephemeral znode, kept true to its local
 * state. ensure() is idempotent and runs on every (re)connection: it creates the node,
 * or finds it and then either updates it (our session owns it) or atomically replaces it
 * (a stale node from our previous session, which ZooKeeper deletes only when that
 * session expires). The replacement is one multi-op, so watchers never see the instance
 * disappear and no duplicate appears.
 * @private
 */
import type { InstanceInfo } from '../../core/hooks';
import type { Logger } from '../../core/log';
import { encodeInstance } from './curator-json';
import { isZkError } from './errors';
import { instancePath, servicePath } from './paths';
import type { InstanceHealth } from './types';
import type { ZkSession } from './zk-session';

/** Registration is a live registration. */
export interface Registration {
  update(patch: { health?: InstanceHealth; weight?: number }): Promise<void>;
  /** Removes the node; the instance is not re-registered afterwards. */
  deregister(): Promise<void>;
}

/** InstanceRegistration adds what the registry drives. @private */
export interface InstanceRegistration extends Registration {
  readonly path: string;
  ensure(): Promise<void>;
}

export interface InstanceRegistrationOptions {
  session: ZkSession;
  basePath: string;
  instance: InstanceInfo;
  health: InstanceHealth;
  log: Logger;
  onDeregistered(): void;
}

/** createInstanceRegistration builds the handle; call ensure() to write the node. */
export function createInstanceRegistration(opts: InstanceRegistrationOptions): InstanceRegistration {
  const { session, log } = opts;
  let instance = opts.instance;
  let health = opts.health;
  const registrationTimeUTC = Date.now();
  const path = instancePath(opts.basePath, instance.service, instance.instanceId);
  let gone = false;
  let chain: Promise<void> = Promise.resolve();

  /** serial runs writes one after another so a reconnect and an update never interleave. */
  const serial = (fn: () => Promise<void>) => {
    const next = chain.then(fn);
    chain = next.catch(() => {});
    return next;
  };

  const write = async () => {
    if (gone) return;
    const data = encodeInstance(instance, health, registrationTimeUTC);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await session.create(path, data, 'ephemeral');
        log.info('registered', { event: 'registered', path, health });
        return;
      } catch (err) {
        // Parents are made only when missing: every create, even a failing one, is a logged write.
        if (isZkError(err, 'NO_NODE')) {
          await session.mkdirp(servicePath(opts.basePath, instance.service));
          continue;
        }
        if (!isZkError(err, 'NODE_EXISTS')) throw err;
      }
      const existing = await session.getData(path);
      if (!existing) continue; // vanished between create and read
      if (existing.ephemeralOwner === session.sessionId()) {
        if (!existing.data.equals(data)) await session.setData(path, data, existing.version);
        return;
      }
      try {
        await session.multi([
          { op: 'remove', path, version: existing.version },
          { op: 'create', path, data, mode: 'ephemeral' },
        ]);
        log.info('registered, replacing a stale node of an earlier session', { event: 'registered', path, staleOwner: existing.ephemeralOwner, health });
        return;
      } catch (err) {
        if (!isZkError(err, 'BAD_VERSION') && !isZkError(err, 'NO_NODE')) throw err;
      }
    }
    throw new Error(`could not register ${path}: the node kept changing under us`);
  };

  return {
    path,
    ensure: () => serial(write),
    update(patch) {
      if (patch.health) health = patch.health;
      if (patch.weight !== undefined) instance = { ...instance, weight: patch.weight };
      return serial(write);
    },
    deregister() {
      if (gone) return chain;
      gone = true;
      opts.onDeregistered();
      return serial(async () => {
        try {
          await session.remove(path);
          log.info('deregistered', { event: 'deregistered', path });
        } catch (err) {
          // Not reachable now: the node goes with our session (close or expiry).
          log.warn('deregistration failed; the node goes when the session ends', { path, err: (err as Error).message });
        }
      });
    },
  };
}
