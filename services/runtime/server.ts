/**
 * runService: the shared life of every service process, whatever it serves (gRPC for image,
 * video and storage; HTTP for the gateway):
 * config (printed; a bad value is a ConfigError) -> the service builds its transport -> bind ->
 * SERVING -> hooks.onServing (registration)
 * SIGTERM/SIGINT (or the launcher gone) -> NOT_SERVING -> hooks.onDraining (deregister) -> wait
 * MEDIAMESH_DEREGISTER_DELAY_MS -> drain in-flight work up to MEDIAMESH_DRAIN_TIMEOUT_MS ->
 * cleanup -> hooks.onStopped -> exit 0.
 */
import './registration';
import type * as grpc from '@grpc/grpc-js';
import { ConfigError, describeConfig, loadConfig, type ConfigOf, type EnvSpec } from '../../core/config';
import { installCrashGuards } from '../../core/crash-guards';
import { watchLauncher } from '../../core/launcher-watch';
import { shutdownOnSignals } from '../../core/shutdown-signals';
import { hookFactories, type HealthState, type InstanceInfo, type ServiceHooks } from '../../core/hooks';
import { createLogger, type Logger } from '../../core/log';
import { defaultInstanceId, runtimeSpecs, type RuntimeConfig } from '../../core/runtime-config';
import { createGrpcTransport } from './grpc-transport';
import type { Transport } from './transport';

export { loadProtos } from './grpc-transport';

export type { RuntimeConfig };

/** ServiceContext is what a service's register() or start() receives. */
export interface ServiceContext<C> {
  readonly runtime: RuntimeConfig;
  readonly config: C;
  readonly instanceId: string;
  readonly log: Logger;
  /** Aborted when shutdown starts: long work should stop taking new items (and readiness fails). */
  readonly shutdownSignal: AbortSignal;
}

/** Cleanup is run after the drain. */
export type Cleanup = () => Promise<void> | void;

interface DefinitionBase<S extends Record<string, EnvSpec<unknown>>> {
  /** Mesh name: image, video, storage, gateway. */
  readonly name: string;
  /** Fully qualified proto service names served (registered in ZooKeeper). */
  readonly protoServices: readonly string[];
  /** Service-specific environment variables. */
  readonly specs: S;
  /** Extra hooks of this service. */
  readonly hooks?: readonly ServiceHooks[];
}

/** ServiceDefinition describes a gRPC service to runService. */
export interface ServiceDefinition<S extends Record<string, EnvSpec<unknown>>> extends DefinitionBase<S> {
  /** Proto files (relative to proto/) served, for reflection. */
  readonly protoFiles: readonly string[];
  /** Adds the service implementations; may return a cleanup run after the drain. */
  register(server: grpc.Server, ctx: ServiceContext<ConfigOf<S>>): Promise<Cleanup | void> | Cleanup | void;
}

/** TransportServiceDefinition describes a service that brings its own transport (the gateway's HTTP server). */
export interface TransportServiceDefinition<S extends Record<string, EnvSpec<unknown>>> extends DefinitionBase<S> {
  /** Runtime variables it does not use (left out of the printed configuration). */
  readonly unusedRuntime?: readonly (keyof RuntimeConfig)[];
  /** start builds the transport (not yet bound) and what to clean up after its drain. */
  start(ctx: ServiceContext<ConfigOf<S>>): Promise<{ transport: Transport; cleanup?: Cleanup }>;
}

/** AnyServiceDefinition is either kind. */
export type AnyServiceDefinition<S extends Record<string, EnvSpec<unknown>>> = ServiceDefinition<S> | TransportServiceDefinition<S>;

/** RunningService is a started service (tests drive it in-process). */
export interface RunningService {
  readonly instance: InstanceInfo;
  setHealth(state: HealthState): void;
  /** shutdown runs the graceful sequence without exiting the process. */
  shutdown(): Promise<void>;
}

/** runService starts a service; it throws ConfigError for a bad environment value. */
export async function runService<S extends Record<string, EnvSpec<unknown>>>(
  def: AnyServiceDefinition<S>,
  env: Record<string, string | undefined> = process.env,
): Promise<RunningService> {
  const runtime = loadConfig(runtimeSpecs, env);
  const config = loadConfig(def.specs, env);
  const instanceId = runtime.instanceId || defaultInstanceId(def.name);
  const log = createLogger({ service: def.name, instance: instanceId });
  const shared = describeConfig(runtimeSpecs, runtime);
  for (const key of 'start' in def ? (def.unusedRuntime ?? []) : []) delete shared[runtimeSpecs[key].name];
  log.info('effective configuration', { config: { ...shared, ...describeConfig(def.specs, config) } });

  const hooks: ServiceHooks[] = [
    ...(def.hooks ?? []),
    ...hookFactories()
      .map((f) => f({ service: def.name, config: runtime }))
      .filter((h): h is ServiceHooks => h !== undefined),
  ];
  const shutdownController = new AbortController();
  const ctx: ServiceContext<ConfigOf<S>> = { runtime, config, instanceId, log, shutdownSignal: shutdownController.signal };

  let transport: Transport;
  let cleanup: Cleanup | void;
  if ('start' in def) {
    ({ transport, cleanup } = await def.start(ctx));
  } else {
    const observers = hooks.flatMap((h) => h.callObservers ?? []);
    const grpcTransport = createGrpcTransport({ runtime, instanceId, observers, protoFiles: def.protoFiles, protoServices: def.protoServices, log });
    cleanup = await def.register(grpcTransport.server, ctx);
    transport = grpcTransport;
  }

  const port = await transport.listen();
  const instance: InstanceInfo = {
    service: def.name,
    instanceId,
    address: runtime.advertiseAddress,
    // Behind an Envoy sidecar the mesh routes to the sidecar's inbound listener, not to this port.
    port: runtime.advertisePort || port,
    version: runtime.version,
    zone: runtime.zone,
    weight: runtime.weight,
    protoServices: def.protoServices,
    startedAt: new Date().toISOString(),
  };

  let healthState: HealthState = 'NOT_SERVING';
  const setHealth = (state: HealthState) => {
    healthState = state;
    transport.setHealth(state);
  };
  setHealth('SERVING');
  log.info('serving', { event: 'serving', port, address: transport.address });
  await runHooks(log, hooks, 'onServing', (h) => h.onServing?.(instance));

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      log.info('shutting down', { event: 'draining' });
      shutdownController.abort();
      setHealth('NOT_SERVING');
      await runHooks(log, hooks, 'onDraining', (h) => h.onDraining?.());
      const delay = runtime.deregisterDelayMs >= 0 ? runtime.deregisterDelayMs : runtime.zk ? 1000 : 0;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      await transport.drain(runtime.drainTimeoutMs);
      if (cleanup) await Promise.resolve(cleanup()).catch((err) => log.error('cleanup failed', { err }));
      await runHooks(log, hooks, 'onStopped', (h) => h.onStopped?.());
      log.info('stopped', { event: 'stopped' });
    })());

  return {
    instance,
    setHealth: (state) => {
      if (state === healthState) return;
      setHealth(state);
      void runHooks(log, hooks, 'onHealthChange', (h) => h.onHealthChange?.(state));
    },
    shutdown,
  };
}

/**
 * runMain is a service entry point: start, stop on SIGTERM/SIGINT (or when the launcher that started
 * it is gone: it then sends itself SIGTERM), exit 0; exit 2 on bad config.
 */
export function runMain<S extends Record<string, EnvSpec<unknown>>>(def: AnyServiceDefinition<S>): void {
  const log = createLogger({ service: def.name });
  installCrashGuards(log);
  const ready = shutdownOnSignals();
  watchLauncher(log);
  runService(def).then(
    (svc) => ready(() => svc.shutdown()),
    (err) => {
      if (err instanceof ConfigError) {
        log.error(`bad configuration: ${err.message}`, { event: 'config-error', variable: err.variable });
        process.stderr.write(`${def.name}: bad configuration: ${err.message}\n`);
        process.exit(2);
      }
      log.error('failed to start', { err: err instanceof Error ? err.stack : String(err) });
      process.exit(1);
    },
  );
}

async function runHooks(log: Logger, hooks: ServiceHooks[], stage: string, fn: (h: ServiceHooks) => unknown): Promise<void> {
  for (const h of hooks) {
    try {
      await fn(h);
    } catch (err) {
      log.error(`hook ${h.name}.${stage} failed`, { err: err instanceof Error ? err.message : String(err) });
    }
  }
}
