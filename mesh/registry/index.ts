/**
 * mesh/registry: the ZooKeeper service registry (Apache Curator x-discovery layout,
 * <base>/services/<service>/<instance-id>), its session handling, the registration hook of
 * the service runtime and the `zk:///<service>` grpc-js resolver.
 */
export { createZkSession } from './zk-session';
export type { ZkNodeData, ZkOp, ZkSession, ZkSessionOptions, ZkState } from './zk-session';
export { createRegistry } from './registry';
export type { Registry, RegistryOptions } from './registry';
export type { Registration } from './instance-registration';
export { createRegistrationHook } from './registration-hook';
export type { RegistrationHookOptions } from './registration-hook';
export { registerZkResolver } from './zk-resolver';
export { changesRoot, createChangeSignal, topicPath } from './change-signal';
export type { ChangeSignal, ChangeSignalOptions } from './change-signal';
export type { ZkResolverOptions } from './zk-resolver';
export { isZkError, registryUnavailable, ZkError } from './errors';
export type { ZkErrorCode } from './errors';
export type {
  CuratorInstance,
  InstanceHealth,
  InstancePayload,
  RegistrySnapshot,
  RegistryWatcher,
  ServiceInstance,
  UriSpecPart,
  ValidationResult,
} from './types';

// ---- internals (tools, tests, other mesh modules) -------------------------------------
export { decodeInstance, encodeInstance, toCuratorInstance, DEFAULT_URI_SPEC, PAYLOAD_CLASS } from './curator-json';
export type { DecodeResult } from './curator-json';
export { DEFAULT_BASE_PATH, instancePath, servicePath, servicesRoot } from './paths';
export { validateInstance } from './registry';
export { endpointsOf } from './zk-resolver';
