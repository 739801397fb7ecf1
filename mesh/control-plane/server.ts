/**
 * startControlPlaneServer: the control plane as a running thing — registry watch and policy
 * watch (ZooKeeper) feeding the translation engine, the ADS gRPC server and the HTTP status
 * endpoint. main.ts runs it as a process; tests may run it in-process.
 */
import * as grpc from '@grpc/grpc-js';
import type { ConfigOf } from '../../core/config';
import { createLogger, type Logger } from '../../core/log';
import { createRegistry, type Registry } from '../registry';
import { createAdsServer, type AdsServer } from './ads-server';
import type { controlPlaneSpecs } from './config';
import { createControlPlane, type ControlPlane } from './control-plane';
import type { XdsServerHooks } from './hooks';
import { loadPolicyFile, seedPolicies } from './policy/policy-file';
import { watchPolicies } from './policy/policy-store';
import { startStatusServer } from './status-server';

export type ControlPlaneConfig = ConfigOf<typeof controlPlaneSpecs>;

export interface RunningControlPlane {
  readonly xdsPort: number;
  readonly statusPort: number;
  readonly controlPlane: ControlPlane;
  readonly ads: AdsServer;
  readonly registry: Registry;
  stop(): Promise<void>;
}

/** startControlPlaneServer starts everything; a bad policy file rejects before anything listens. */
export async function startControlPlaneServer(cfg: ControlPlaneConfig, opts: { log?: Logger; hooks?: XdsServerHooks } = {}): Promise<RunningControlPlane> {
  const log = opts.log ?? createLogger({ service: 'control-plane' });
  const seed = cfg.policyFile ? loadPolicyFile(cfg.policyFile) : undefined;
  // No snapshot before both the instances and the policies have been read once: a sidecar
  // reconnecting to a fresh process keeps its config until then (control-plane.ts).
  const controlPlane = createControlPlane({ debounceMs: cfg.debounceMs, log, awaitSync: ['instances', 'policies'] });
  const ads = createAdsServer({ cache: controlPlane.cache, resolveGroup: controlPlane.resolveGroup, hooks: opts.hooks, log: log.child({ component: 'xds-server' }) });
  const registry = createRegistry({ connectString: cfg.zk, basePath: cfg.zkBasePath, log: log.child({ component: 'registry' }) });
  const policyErrors: Record<string, string[]> = {};

  if (seed) {
    // Seeding needs ZooKeeper; retry in the background so a slow ensemble does not block serving.
    const trySeed = async (attempt: number): Promise<void> => {
      try {
        if (!(await registry.session.waitConnected(5_000))) throw new Error('ZooKeeper not connected');
        const written = await seedPolicies(registry.session, cfg.zkBasePath, seed);
        log.info('policy seeded', { file: cfg.policyFile, written });
      } catch (err) {
        log.warn('policy seeding failed; retrying', { attempt, error: (err as Error).message });
        setTimeout(() => void trySeed(attempt + 1), Math.min(10_000, 500 * attempt)).unref();
      }
    };
    void trySeed(1);
  }
  const stopPolicies = watchPolicies(
    registry.session,
    cfg.zkBasePath,
    {
      onPolicy: (svc, policy) => {
        delete policyErrors[svc];
        controlPlane.setPolicy(svc, policy);
      },
      onInvalid: (svc, errors) => (policyErrors[svc] = errors),
      onSynced: () => controlPlane.markSynced('policies'),
    },
    log,
  );
  // With ZooKeeper unreachable the last snapshot stays: a registry outage is not a data-path outage.
  const stopRegistry = registry.watchAll({
    onChanged: (snap) => controlPlane.setInstances(snap),
    onError: (err) => log.warn('registry unavailable; serving the last known endpoints', { error: err.message }),
  });

  const server = new grpc.Server({ 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000, 'grpc.max_receive_message_length': 64 << 20 });
  ads.addTo(server);
  const xdsPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${cfg.xdsPort}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const status = await startStatusServer({ ads, controlPlane, policyErrors: () => ({ ...policyErrors }), startedAt: Date.now() }, cfg.statusHost, cfg.statusPort);

  return {
    xdsPort,
    statusPort: status.port,
    controlPlane,
    ads,
    registry,
    async stop() {
      stopRegistry();
      stopPolicies();
      controlPlane.close();
      ads.closeAll();
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => (server.forceShutdown(), resolve()), 2_000);
        server.tryShutdown(() => (clearTimeout(t), resolve()));
      });
      await new Promise<void>((resolve) => status.server.close(() => resolve()));
      status.server.closeAllConnections?.();
      await registry.close();
    },
  };
}
