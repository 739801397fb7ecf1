/**
 * createRegistrationHook: the runtime hooks that put a process in the registry.
 * onServing registers (the server already answers SERVING), onHealthChange updates the
 * payload, onDraining deregisters first (before the drain, so clients stop picking this
 * instance while in-flight calls finish), onStopped closes the session. The session is
 * opened when the hook is built, so it connects while the server starts.
 */
import type { HealthState, InstanceInfo, ServiceHooks } from '../../core/hooks';
import { createLogger, type Logger } from '../../core/log';
import type { Registration } from './instance-registration';
import { createRegistry, type Registry } from './registry';

export interface RegistrationHookOptions {
  /** ZooKeeper connect string (MEDIAMESH_ZK); ignored when `registry` is given. */
  connectString?: string;
  /** MEDIAMESH_ZK_BASE_PATH (default /mediamesh). */
  basePath?: string;
  sessionTimeoutMs?: number;
  /** Use this registry instead of opening one (it is then not closed on stop). */
  registry?: Registry;
  log?: Logger;
}

/** createRegistrationHook builds the hooks; throws when neither connectString nor registry is given. */
export function createRegistrationHook(opts: RegistrationHookOptions): ServiceHooks {
  if (!opts.registry && !opts.connectString) throw new Error('createRegistrationHook: connectString (MEDIAMESH_ZK) or registry is required');
  const log = opts.log ?? createLogger({ component: 'registration' });
  const registry =
    opts.registry ?? createRegistry({ connectString: opts.connectString!, basePath: opts.basePath, sessionTimeoutMs: opts.sessionTimeoutMs, log });
  let registration: Registration | undefined;
  let pending: Promise<Registration> | undefined;

  return {
    name: 'registration',
    async onServing(instance: InstanceInfo) {
      pending = registry.register(instance, 'SERVING');
      registration = await pending;
    },
    async onHealthChange(state: HealthState) {
      await (registration ?? (await pending))?.update({ health: state });
    },
    async onDraining() {
      const reg = registration ?? (await pending?.catch(() => undefined));
      await reg?.deregister();
    },
    async onStopped() {
      if (!opts.registry) await registry.close();
    },
  };
}
