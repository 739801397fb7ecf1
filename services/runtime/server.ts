/**
 * runService: the shared life of every gRPC service process.
 * config -> server (instance header, health, reflection) -> bind -> SERVING -> hooks.onServing
 * SIGTERM/SIGINT (or the launcher gone) -> NOT_SERVING -> hooks.onDraining (deregister) -> wait -> refuse new calls
 * and drain in-flight ones up to MEDIAMESH_DRAIN_TIMEOUT_MS -> hooks.onStopped -> exit 0.
 */
import './registration';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { ConfigError, describeConfig, loadConfig, type ConfigOf, type EnvSpec } from '../../core/config';
import { installCrashGuards } from '../../core/crash-guards';
import { watchLauncher } from '../../core/launcher-watch';
import { shutdownOnSignals } from '../../core/shutdown-signals';
import { hookFactories, type HealthState, type InstanceInfo, type ServiceHooks } from '../../core/hooks';
import { createLogger, type Logger } from '../../core/log';
import { protoRoot } from '../../core/paths';
import { serverCallInterceptor } from './server-call-interceptor';
import { defaultInstanceId, runtimeSpecs } from '../../core/runtime-config';

export type RuntimeConfig = ConfigOf<typeof runtimeSpecs>;

/** ServiceContext is what a service's register() receives. */
export interface ServiceContext<C> {
  readonly runtime: RuntimeConfig;
  readonly config: C;
  readonly instanceId: string;
  readonly log: Logger;
  /** Aborted when shutdown starts: long work should stop taking new items. */
  readonly shutdownSignal: AbortSignal;
}

/** ServiceDefinition describes one service to runService. */
export interface ServiceDefinition<S extends Record<string, EnvSpec<unknown>>> {
  /** Mesh name: image, video, storage. */
  readonly name: string;
  /** Proto files (relative to proto/) served, for reflection. */
  readonly protoFiles: readonly string[];
  /** Fully qualified proto service names served. */
  readonly protoServices: readonly string[];
  /** Service-specific environment variables. */
  readonly specs: S;
  /** Adds the service implementations; may return a cleanup run after the drain. */
  register(server: grpc.Server, ctx: ServiceContext<ConfigOf<S>>): Promise<(() => Promise<void> | void) | void> | (() => Promise<void> | void) | void;
  /** Extra hooks of this service. */
  readonly hooks?: readonly ServiceHooks[];
}

/** RunningService is a started service (tests drive it in-process). */
export interface RunningService {
  readonly instance: InstanceInfo;
  readonly server: grpc.Server;
  setHealth(state: HealthState): void;
  /** shutdown runs the graceful sequence without exiting the process. */
  shutdown(): Promise<void>;
}

/** runService starts a service; it throws ConfigError for a bad environment value. */
export async function runService<S extends Record<string, EnvSpec<unknown>>>(
  def: ServiceDefinition<S>,
  env: Record<string, string | undefined> = process.env,
): Promise<RunningService> {
  const runtime = loadConfig(runtimeSpecs, env);
  const config = loadConfig(def.specs, env);
  const instanceId = runtime.instanceId || defaultInstanceId(def.name);
  const log = createLogger({ service: def.name, instance: instanceId });
  log.info('effective configuration', { config: { ...describeConfig(runtimeSpecs, runtime), ...describeConfig(def.specs, config) } });

  const hooks: ServiceHooks[] = [
    ...(def.hooks ?? []),
    ...hookFactories()
      .map((f) => f({ service: def.name, config: runtime }))
      .filter((h): h is ServiceHooks => h !== undefined),
  ];
  const shutdownController = new AbortController();
  const server = new grpc.Server({
    interceptors: [serverCallInterceptor(instanceId, hooks.flatMap((h) => h.callObservers ?? []))],
    'grpc.max_receive_message_length': runtime.maxMessageBytes,
    'grpc.max_send_message_length': runtime.maxMessageBytes,
  });

  const cleanup = await def.register(server, { runtime, config, instanceId, log, shutdownSignal: shutdownController.signal });
  const health = new HealthImplementation({ '': 'NOT_SERVING', ...Object.fromEntries(def.protoServices.map((s) => [s, 'NOT_SERVING'])) });
  health.addToServer(server);
  if (runtime.reflection && def.protoFiles.length > 0) new ReflectionService(loadProtos(def.protoFiles)).addToServer(server);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${runtime.host}:${runtime.port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const instance: InstanceInfo = {
    service: def.name,
    instanceId,
    address: runtime.advertiseAddress,
    port,
    version: runtime.version,
    zone: runtime.zone,
    weight: runtime.weight,
    protoServices: def.protoServices,
    startedAt: new Date().toISOString(),
  };

  let healthState: HealthState = 'NOT_SERVING';
  const setHealth = (state: HealthState) => {
    healthState = state;
    health.setStatus('', state);
    for (const s of def.protoServices) health.setStatus(s, state);
  };
  setHealth('SERVING');
  log.info('serving', { event: 'serving', port, address: runtime.host });
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
      await drain(server, runtime.drainTimeoutMs, log);
      if (cleanup) await Promise.resolve(cleanup()).catch((err) => log.error('cleanup failed', { err }));
      await runHooks(log, hooks, 'onStopped', (h) => h.onStopped?.());
      log.info('stopped', { event: 'stopped' });
    })());

  return {
    instance,
    server,
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
export function runMain<S extends Record<string, EnvSpec<unknown>>>(def: ServiceDefinition<S>): void {
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

/** drain refuses new calls and waits for in-flight ones, forcing after the timeout. */
function drain(server: grpc.Server, timeoutMs: number, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      log.warn('drain timeout: cancelling remaining calls', { timeoutMs });
      server.forceShutdown();
      resolve();
    }, timeoutMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
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

const protoCache = new Map<string, protoLoader.PackageDefinition>();

/** loadProtos loads .proto files (relative to proto/) with proto-loader, for reflection and dynamic clients. */
export function loadProtos(files: readonly string[]): protoLoader.PackageDefinition {
  const key = files.join(',');
  let def = protoCache.get(key);
  if (!def) {
    def = protoLoader.loadSync([...files], { includeDirs: [protoRoot()], keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    protoCache.set(key, def);
  }
  return def;
}
