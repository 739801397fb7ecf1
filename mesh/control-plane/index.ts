/**
 * mesh/control-plane: registry instances + traffic policy → xDS (state-of-the-world ADS)
 * for proxyless gRPC clients and Envoy sidecars. The process entry is main.ts.
 */
export { startControlPlaneServer } from './server';
export type { ControlPlaneConfig, RunningControlPlane } from './server';
export { controlPlaneSpecs } from './config';
export { createControlPlane, TRANSLATORS } from './control-plane';
export type { ControlPlane, ControlPlaneOptions } from './control-plane';
export { createAdsServer } from './ads-server';
export type { AdsServer, AdsServerOptions } from './ads-server';
export type { XdsServerHooks } from './hooks';
export { createSnapshotCache } from './snapshot-cache';
export type { MemorySnapshotCache, SnapshotCache, Subscription, WatchRequest, WatchResponse } from './snapshot-cache';
export { consistent, makeResource, RESPONSE_ORDER } from './snapshot';
export type { Snapshot, TypeResources } from './snapshot';
export { validatePolicy } from './policy/validate-policy';
export { policyPath, readPolicy, watchPolicies, writePolicy } from './policy/policy-store';
export { loadPolicyFile, seedPolicies } from './policy/policy-file';
export { editPolicy, parseWeights, promote, rollback, withFault, withHeaderRoute, withoutHeaderRoutes, withWeights } from './policy/policy-edit';
export type { FaultPolicy, ServicePolicy } from './policy/types';
export { controlPlaneUnreachable, invalidPolicyError, policyFileError } from './errors';
export type { MeshState, NodeGroup, ValidationResult } from './types';

// ---- internals (tests, tools) ---------------------------------------------------------
export { TYPE_URL, envoyRoot, pack, unpack } from '../envoy-api';
export { groupOf } from './node-group';
export { statusOf, configDump } from './status';
