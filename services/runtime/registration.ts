/**
 * Registration of every service process in ZooKeeper, contributed as a hook factory:
 * when MEDIAMESH_ZK is set, the process registers itself under MEDIAMESH_ZK_BASE_PATH once
 * it serves, updates on health changes and deregisters first on shutdown
 * (mesh/registry createRegistrationHook). Imported once by server.ts.
 */
import { createRegistrationHook } from '../../mesh/registry';
import { int, loadConfig } from '../../core/config';
import { addHookFactory } from '../../core/hooks';
import { createLogger } from '../../core/log';

/** registrationSpecs: the registry's own variables (the shared ones are in runtime-config.ts). */
export const registrationSpecs = {
  sessionTimeoutMs: {
    name: 'MEDIAMESH_ZK_SESSION_TIMEOUT_MS',
    doc: 'ZooKeeper session timeout: how long a crashed instance stays registered (server may clamp)',
    fallback: 10_000,
    parse: int(1_000, 120_000),
  },
};

addHookFactory(({ service, config }) => {
  if (!config.zk) return undefined;
  const { sessionTimeoutMs } = loadConfig(registrationSpecs);
  const log = createLogger({ service, component: 'registration' });
  log.info('registering in ZooKeeper', { zk: config.zk, basePath: config.zkBasePath, MEDIAMESH_ZK_SESSION_TIMEOUT_MS: sessionTimeoutMs });
  return createRegistrationHook({ connectString: config.zk, basePath: config.zkBasePath, sessionTimeoutMs, log });
});
