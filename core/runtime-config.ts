/** The configuration every service process shares (prefix MEDIAMESH_). */
import { randomBytes } from 'node:crypto';
import { bool, bytes, int, ipLiteral, oneOf, str, type ConfigOf, type EnvSpec } from './config';
import { zookeeperSpecs } from './zookeeper-config';

const id = randomBytes(3).toString('hex');

/** runtimeSpecs lists the shared variables; each service adds its own. */
export const runtimeSpecs = {
  host: { name: 'MEDIAMESH_HOST', doc: 'address the gRPC server binds', fallback: '127.0.0.1', parse: ipLiteral },
  port: { name: 'MEDIAMESH_PORT', doc: 'gRPC port (0 = a free port)', fallback: 0, parse: int(0, 65535) },
  advertiseAddress: {
    name: 'MEDIAMESH_ADVERTISE_ADDRESS',
    doc: 'IP literal other hosts reach this instance at (registered in ZooKeeper)',
    fallback: '127.0.0.1',
    parse: ipLiteral,
  },
  advertisePort: {
    name: 'MEDIAMESH_ADVERTISE_PORT',
    doc: 'port registered in ZooKeeper when callers reach this instance through its sidecar (its inbound listener); 0 = the gRPC port',
    fallback: 0,
    parse: int(0, 65535),
  },
  instanceId: {
    name: 'MEDIAMESH_INSTANCE_ID',
    doc: 'instance id (default <service>-<random>)',
    fallback: '',
    parse: str(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" or "-" (at most 100)'),
  },
  version: { name: 'MEDIAMESH_VERSION', doc: 'version label used for canary subsets', fallback: 'v1', parse: str(/^[A-Za-z0-9._-]{1,40}$/, 'a short version label such as v2') },
  zone: { name: 'MEDIAMESH_ZONE', doc: 'zone (locality) of this instance', fallback: 'zone-a', parse: str(/^[A-Za-z0-9._-]{1,60}$/, 'a zone name such as zone-a') },
  weight: { name: 'MEDIAMESH_WEIGHT', doc: 'load-balancing weight of this instance', fallback: 1, parse: int(1, 1000) },
  ...zookeeperSpecs,
  home: { name: 'MEDIAMESH_HOME', doc: 'state folder', fallback: '.mediamesh', parse: String },
  meshMode: { name: 'MEDIAMESH_MESH_MODE', doc: 'how this process dials other services', fallback: 'proxyless' as 'proxyless' | 'envoy' | 'direct', parse: oneOf('proxyless', 'envoy', 'direct') },
  drainTimeoutMs: { name: 'MEDIAMESH_DRAIN_TIMEOUT_MS', doc: 'longest wait for in-flight calls on shutdown', fallback: 10_000, parse: int(0, 600_000) },
  deregisterDelayMs: {
    name: 'MEDIAMESH_DEREGISTER_DELAY_MS',
    doc: 'wait after deregistering before refusing new calls, so clients learn first',
    fallback: -1,
    parse: int(0, 60_000),
  },
  maxMessageBytes: { name: 'MEDIAMESH_MAX_MESSAGE_BYTES', doc: 'largest gRPC message accepted or sent', fallback: 64 * 1024 * 1024, parse: bytes },
  reflection: { name: 'MEDIAMESH_REFLECTION', doc: 'serve gRPC server reflection', fallback: true, parse: bool },
} satisfies Record<string, EnvSpec<unknown>>;

/** defaultInstanceId is <service>-<random hex>. */
export const defaultInstanceId = (service: string): string => `${service}-${id}`;

/** RuntimeConfig is the shared configuration as loaded. */
export type RuntimeConfig = ConfigOf<typeof runtimeSpecs>;
