/**
 * Where ZooKeeper is: MEDIAMESH_ZK and MEDIAMESH_ZK_BASE_PATH, read here for every process
 * that talks to it (the service host's registration, the control plane, the `zk:///`
 * resolver, the CLI), with one default: empty = not set. Whoever needs ZooKeeper says so
 * when it is empty (the control plane and the CLI refuse to start; a service does not
 * register); nobody guesses an address.
 */
import { loadConfig, str, type ConfigOf, type EnvSpec } from './config';

/** zookeeperSpecs: the ZooKeeper variables, spread into each process's specs. */
export const zookeeperSpecs = {
  zk: { name: 'MEDIAMESH_ZK', doc: 'ZooKeeper connect string; empty = not set', fallback: '', parse: str(/^[^\s]+$/, 'host:port[,host:port...]') },
  zkBasePath: { name: 'MEDIAMESH_ZK_BASE_PATH', doc: 'ZooKeeper base path', fallback: '/mediamesh', parse: str(/^\/[A-Za-z0-9._/-]*[^/]$/, 'an absolute znode path such as /mediamesh') },
} satisfies Record<string, EnvSpec<unknown>>;

export type ZookeeperConfig = ConfigOf<typeof zookeeperSpecs>;

/** zookeeperFromEnv reads the ZooKeeper variables (a bad value throws ConfigError naming it). */
export function zookeeperFromEnv(env: Record<string, string | undefined> = process.env): ZookeeperConfig {
  return loadConfig(zookeeperSpecs, env);
}
