/**
 * registerZkResolver makes `zk:///<service>` dialable by any grpc-js channel: the resolver
 * watches the service in ZooKeeper and hands grpc-js the SERVING instances with a
 * round_robin service config, so a plain client spreads calls over registered instances
 * with no control plane. `zk://<connect-string>/<service>` names the ensemble explicitly;
 * otherwise MEDIAMESH_ZK (and MEDIAMESH_ZK_BASE_PATH) apply. Channels to the same
 * ensemble share one registry (one session, one watch per service).
 * While ZooKeeper is unreachable nothing is published, so channels keep the last known
 * instances.
 */
import { experimental, status, type ChannelOptions } from '@grpc/grpc-js';
import { createLogger } from '../../core/log';
import { zookeeperFromEnv, type ZookeeperConfig } from '../../core/zookeeper-config';
import { createRegistry, type Registry } from './registry';
import type { ServiceInstance } from './types';

type GrpcUri = experimental.GrpcUri;

const ROUND_ROBIN = { loadBalancingConfig: [{ round_robin: {} }], methodConfig: [] };
const registries = new Map<string, { registry: Registry; users: number }>();
let registered = false;

export interface ZkResolverOptions {
  /** Connect string for `zk:///` targets (default: MEDIAMESH_ZK at resolution time). */
  connectString?: string;
  basePath?: string;
}
let defaults: ZkResolverOptions = {};

function acquire(connectString: string, basePath: string | undefined): Registry {
  const key = `${connectString}|${basePath ?? ''}`;
  let entry = registries.get(key);
  if (!entry) {
    entry = { registry: createRegistry({ connectString, basePath, log: createLogger({ component: 'zk-resolver' }) }), users: 0 };
    registries.set(key, entry);
  }
  entry.users++;
  return entry.registry;
}

function releaseRegistry(registry: Registry): void {
  for (const [key, entry] of registries) {
    if (entry.registry !== registry || --entry.users > 0) continue;
    registries.delete(key);
    void registry.close();
  }
}

/** endpointsOf maps discovered instances to grpc-js endpoints (SERVING only). */
export function endpointsOf(instances: readonly ServiceInstance[]): experimental.Endpoint[] {
  return instances.filter((i) => i.health === 'SERVING').map((i) => ({ addresses: [{ host: i.address, port: i.port }] }));
}

class ZkResolver implements experimental.Resolver {
  private registry?: Registry;
  private unwatch?: () => void;
  private readonly service: string;
  private readonly connectString: string;
  private readonly basePath: string | undefined;
  private readonly envError: string | undefined;

  constructor(
    private readonly target: GrpcUri,
    private readonly listener: experimental.ResolverListener,
    _options: ChannelOptions,
  ) {
    this.service = target.path.replace(/^\/+/, '');
    const env = envZookeeper();
    this.envError = env instanceof Error ? env.message : undefined;
    this.connectString = target.authority || defaults.connectString || (env instanceof Error ? '' : env.zk);
    this.basePath = defaults.basePath ?? (env instanceof Error ? undefined : env.zkBasePath);
  }

  updateResolution(): void {
    if (this.unwatch) return; // watching already: updates arrive by themselves
    const fail = (details: string) =>
      setImmediate(() => this.listener(experimental.statusOrFromError({ code: status.UNAVAILABLE, details }), {}, null, details));
    if (!this.service) return void fail(`zk target "${experimental.uriToString(this.target)}" names no service (use zk:///<service>)`);
    if (!this.connectString && this.envError) return void fail(`zk:///${this.service}: ${this.envError}`);
    if (!this.connectString) return void fail(`zk:///${this.service}: MEDIAMESH_ZK is not set (or use zk://host:port/${this.service})`);
    this.registry = acquire(this.connectString, this.basePath);
    this.unwatch = this.registry.watchService(this.service, {
      onChanged: (instances) => {
        const endpoints = endpointsOf(instances);
        const note = endpoints.length === 0 ? `no SERVING instance of "${this.service}" is registered in ZooKeeper` : '';
        this.listener(experimental.statusOrFromValue(endpoints), {}, experimental.statusOrFromValue(ROUND_ROBIN), note);
      },
      onError: (err) => {
        this.listener(experimental.statusOrFromError({ code: status.UNAVAILABLE, details: err.message }), {}, null, err.message);
      },
    });
  }

  destroy(): void {
    this.unwatch?.();
    this.unwatch = undefined;
    if (this.registry) releaseRegistry(this.registry);
    this.registry = undefined;
  }

  static getDefaultAuthority(target: GrpcUri): string {
    return target.path.replace(/^\/+/, '');
  }
}

/** registerZkResolver registers the `zk` scheme with grpc-js (idempotent); options override MEDIAMESH_ZK. */
export function registerZkResolver(options: ZkResolverOptions = {}): void {
  defaults = { ...defaults, ...options };
  if (registered) return;
  registered = true;
  experimental.registerResolver('zk', ZkResolver);
}

/** envZookeeper reads MEDIAMESH_ZK / MEDIAMESH_ZK_BASE_PATH at resolution time; a bad value becomes the resolution's error. */
function envZookeeper(): ZookeeperConfig | Error {
  try {
    return zookeeperFromEnv();
  } catch (err) {
    return err as Error;
  }
}
