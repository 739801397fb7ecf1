/** The shared service runtime: config, logs, errors, server life, hooks. */
export { ConfigError, bool, bytes, describeConfig, int, ipLiteral, loadConfig, num, oneOf, str } from '../../core/config';
export type { ConfigOf, EnvSpec } from '../../core/config';
export * from '../../core/errors';
export { installCrashGuards } from '../../core/crash-guards';
export { addHookFactory } from '../../core/hooks';
export type { HealthState, HookFactory, InstanceInfo, ServiceHooks } from '../../core/hooks';
export { createLogger, setLogContextProvider } from '../../core/log';
export type { Logger } from '../../core/log';
export { distEntry, protoRoot, repoRoot } from '../../core/paths';
export { runtimeSpecs } from '../../core/runtime-config';
export { INSTANCE_HEADER } from './server-call-interceptor';
export type { ObservedCall, ServerCallObserver } from './server-call-interceptor';
export { loadProtos, runMain, runService } from './server';
export type { AnyServiceDefinition, Cleanup, RunningService, RuntimeConfig, ServiceContext, ServiceDefinition, TransportServiceDefinition } from './server';
export type { Transport } from './transport';
export { callSignal, clientStreaming, streaming, toStatus, unary, write } from './handlers';
