/** The shared service runtime: config, logs, errors, server life, hooks. */
export { ConfigError, bool, bytes, describeConfig, int, ipLiteral, loadConfig, num, oneOf, str } from './config';
export type { ConfigOf, EnvSpec } from './config';
export * from './errors';
export { installCrashGuards } from './crash-guards';
export { addHookFactory } from './hooks';
export type { HealthState, HookFactory, InstanceInfo, ServiceHooks } from './hooks';
export { createLogger, setLogContextProvider } from './log';
export type { Logger } from './log';
export { distEntry, protoRoot, repoRoot } from './paths';
export { runtimeSpecs } from './runtime-config';
export { INSTANCE_HEADER } from './server-call-interceptor';
export type { ObservedCall, ServerCallObserver } from './server-call-interceptor';
export { loadProtos, runMain, runService } from './server';
export type { RunningService, RuntimeConfig, ServiceContext, ServiceDefinition } from './server';
