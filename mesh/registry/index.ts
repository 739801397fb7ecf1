/**
 * mesh/registry: the ZooKeeper service registry (Curator x-discovery layout).
 * Public API first; internals below the divider are exported for tests and tools.
 */
export { createZkSession } from './zk-session';
export type { ZkNodeData, ZkOp, ZkSession, ZkSessionOptions, ZkState } from './zk-session';
export { isZkError, ZkError } from './errors';
export type { ZkErrorCode } from './errors';
export type { CuratorInstance, InstanceHealth, InstancePayload, RegistrySnapshot, ServiceInstance, UriSpecPart } from './types';
