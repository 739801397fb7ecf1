/**
 * createRegistry: registration and discovery over one ZkSession.
 * - register() keeps an instance's ephemeral znode alive across reconnects and session
 *   expiries (re-ensured on every 'connected').
 * - watchService()/watchAll() share one ZooKeeper watch per service however many watchers
 *   there are; updates are coalesced, equal ones dropped, and the last known state stays
 *   in use while ZooKeeper is unreachable (nothing is published until it answers again).
 */
import { isIP } from 'node:net';
import type { InstanceInfo } from '../../core/hooks';
import { createLogger, type Logger } from '../../core/log';
import { createCoalescer } from './coalescer';
import { decodeInstance } from './curator-json';
import { disconnectedError, invalidRegistration } from './errors';
import { createInstanceRegistration, type InstanceRegistration, type Registration } from './instance-registration';
import { DEFAULT_BASE_PATH, NAME_PATTERN, servicePath, servicesRoot } from './paths';
import { watchServiceNodes } from './service-watch';
import type { InstanceHealth, RegistrySnapshot, RegistryWatcher, ServiceInstance } from './types';
import { createWatcherHub, type WatcherHub } from './watcher-hub';
import { createZkSession, type ZkSession } from './zk-session';

export interface RegistryOptions {
  connectString: string;
  basePath?: string;
  sessionTimeoutMs?: number;
  log?: Logger;
  /** Share an existing session (it is then not closed by close()). */
  session?: ZkSession;
  /** Quiet period that merges a burst of changes into one update (default 10 ms). */
  coalesceMs?: number;
  /** How long a new watcher waits for ZooKeeper before its onError hears it is unreachable (default 5000 ms). */
  initialErrorMs?: number;
  /** How long register() waits for a first connection before leaving it to the background (default 3000 ms). */
  registerWaitMs?: number;
}

export interface Registry {
  readonly session: ZkSession;
  readonly basePath: string;
  register(instance: InstanceInfo, health?: InstanceHealth): Promise<Registration>;
  watchService(service: string, watcher: RegistryWatcher<readonly ServiceInstance[]>): () => void;
  /** Every service; new services appear; coalesced. */
  watchAll(watcher: RegistryWatcher<RegistrySnapshot>): () => void;
  /** One read of everything (for the CLI); invalid nodes are skipped and logged. */
  list(): Promise<RegistrySnapshot>;
  close(): Promise<void>;
}

const instancesKey = (list: readonly ServiceInstance[]) => JSON.stringify(list);
const snapshotKey = (snap: RegistrySnapshot) => JSON.stringify([...snap.entries()]);

/** createRegistry connects in the background and returns at once. */
export function createRegistry(opts: RegistryOptions): Registry {
  const log = opts.log ?? createLogger({ component: 'registry' });
  const basePath = opts.basePath ?? DEFAULT_BASE_PATH;
  const ownSession = !opts.session;
  const session = opts.session ?? createZkSession({ connectString: opts.connectString, sessionTimeoutMs: opts.sessionTimeoutMs, log });
  const coalesceMs = opts.coalesceMs ?? 10;
  const registrations = new Set<InstanceRegistration>();
  const services = new Map<string, { hub: WatcherHub<readonly ServiceInstance[]>; stop: () => void }>();

  const ensureAll = () => {
    for (const r of registrations) {
      r.ensure().catch((err) => {
        log.warn('re-registration failed; retrying on the next connection', { path: r.path, err: (err as Error).message });
        if (session.isConnected()) setTimeout(() => registrations.has(r) && void r.ensure().catch(() => {}), 1_000).unref();
      });
    }
  };
  const offState = session.onState((state) => {
    if (state === 'connected') ensureAll();
    if (state === 'disconnected' || state === 'expired') {
      const err = disconnectedError('watch', basePath, session.connectString);
      for (const { hub } of services.values()) hub.error(err);
    }
  });

  /** shared returns the per-service hub, starting its ZooKeeper watch on first use. */
  const shared = (service: string) => {
    let entry = services.get(service);
    if (!entry) {
      const hub = createWatcherHub<readonly ServiceInstance[]>(instancesKey);
      const stop = watchServiceNodes({ session, basePath, service, coalesceMs, log, onInstances: (list) => hub.publish(list) });
      entry = { hub, stop };
      services.set(service, entry);
    }
    return entry;
  };
  const release = (service: string) => {
    const entry = services.get(service);
    if (entry && entry.hub.size() === 0) {
      entry.stop();
      services.delete(service);
    }
  };

  /**
   * reportIfUnreachable: a new watcher hears "unreachable" only if ZooKeeper is still not
   * connected after the grace period, so a client created while the session connects (the
   * usual case at start) does not fail its first calls.
   */
  const reportIfUnreachable = (report: () => void) => {
    const t = setTimeout(() => !session.isConnected() && report(), opts.initialErrorMs ?? 5_000);
    t.unref();
    return t;
  };

  const watchService = (service: string, watcher: RegistryWatcher<readonly ServiceInstance[]>) => {
    const { hub } = shared(service);
    const off = hub.add(watcher);
    const grace = reportIfUnreachable(() => hub.error(disconnectedError('watch', servicePath(basePath, service), session.connectString)));
    return () => {
      clearTimeout(grace);
      off();
      release(service);
    };
  };

  return {
    session,
    basePath,
    async register(instance, health = 'SERVING') {
      const problems = validateInstance(instance);
      if (problems.length > 0) throw invalidRegistration(problems);
      const reg = createInstanceRegistration({ session, basePath, instance, health, log, onDeregistered: () => registrations.delete(reg) });
      registrations.add(reg);
      if (!(await session.waitConnected(opts.registerWaitMs ?? 3_000))) {
        log.warn('ZooKeeper not reachable yet: registering once it is', { path: reg.path });
        return reg;
      }
      await reg.ensure().catch((err) => log.warn('registration failed; retrying on the next connection', { path: reg.path, err: (err as Error).message }));
      return reg;
    },
    watchService,
    watchAll(watcher) {
      const snapshot = createWatcherHub<RegistrySnapshot>(snapshotKey);
      const perService = new Map<string, { list?: readonly ServiceInstance[]; off: () => void }>();
      const coalescer = createCoalescer(coalesceMs, () => {
        if ([...perService.values()].some((s) => s.list === undefined)) return false;
        const names = [...perService.keys()].sort();
        snapshot.publish(new Map(names.map((n) => [n, perService.get(n)!.list!])));
        return true;
      });
      const schedule = () => coalescer.schedule();
      const offRoot = session.watchChildren(servicesRoot(basePath), (names) => {
        for (const [name, s] of perService) if (!names.includes(name)) (s.off(), perService.delete(name));
        for (const name of names) {
          if (perService.has(name) || !NAME_PATTERN.test(name)) continue;
          const s: { list?: readonly ServiceInstance[]; off: () => void } = { off: () => {} };
          perService.set(name, s);
          s.off = watchService(name, { onChanged: (list) => ((s.list = list), schedule()) });
        }
        schedule();
      });
      const offWatcher = snapshot.add(watcher);
      const grace = reportIfUnreachable(() => snapshot.error(disconnectedError('watch', servicesRoot(basePath), session.connectString)));
      return () => {
        clearTimeout(grace);
        coalescer.cancel();
        offWatcher();
        offRoot();
        for (const s of perService.values()) s.off();
        perService.clear();
      };
    },
    async list() {
      const out = new Map<string, readonly ServiceInstance[]>();
      for (const service of (await session.getChildren(servicesRoot(basePath))).sort()) {
        const folder = servicePath(basePath, service);
        const nodes = (await session.getChildren(folder)).sort();
        const reads = await Promise.all(nodes.map(async (node) => ({ node, value: await session.getData(`${folder}/${node}`) })));
        const instances: ServiceInstance[] = [];
        for (const { node, value } of reads) {
          if (!value) continue;
          const decoded = decodeInstance(service, node, value.data);
          if (!decoded.ok) log.error('skipping an invalid registry node', { event: 'bad-znode', path: `${folder}/${node}`, errors: decoded.errors });
          else if (decoded.value !== 'disabled') instances.push(decoded.value);
        }
        out.set(service, instances);
      }
      return out;
    },
    async close() {
      offState();
      for (const { stop } of services.values()) stop();
      services.clear();
      await Promise.all([...registrations].map((r) => r.deregister()));
      if (ownSession) await session.close();
    },
  };
}

/** validateInstance collects every problem of an instance to register. */
export function validateInstance(i: InstanceInfo): string[] {
  const errors: string[] = [];
  if (!NAME_PATTERN.test(i.service)) errors.push(`service: "${i.service}" is not a valid znode name`);
  if (!NAME_PATTERN.test(i.instanceId)) errors.push(`instanceId: "${i.instanceId}" is not a valid znode name`);
  if (isIP(i.address) === 0) errors.push(`address: "${i.address}" is not an IP literal`);
  if (!Number.isInteger(i.port) || i.port < 1 || i.port > 65535) errors.push(`port: ${i.port} is not a port number`);
  if (!Number.isInteger(i.weight) || i.weight < 1 || i.weight > 1000) errors.push(`weight: ${i.weight} is not an integer from 1 to 1000`);
  return errors;
}
