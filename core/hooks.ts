/**
 * ServiceHooks: where registration (mesh/registry) and telemetry (observability/)
 * plug into a service's life. Every hook is optional; errors in a hook are logged
 * and never stop the service (a registry outage is not a data-path outage).
 */

/** InstanceInfo describes one running service instance. */
export interface InstanceInfo {
  /** Logical mesh service name: image, video, storage, gateway. */
  readonly service: string;
  readonly instanceId: string;
  /** IP literal other hosts reach the instance at. */
  readonly address: string;
  /** The bound port (gRPC for services, HTTP for the gateway). */
  readonly port: number;
  readonly version: string;
  readonly zone: string;
  readonly weight: number;
  /** Fully qualified proto services served, e.g. mediamesh.image.v1.ImageService. */
  readonly protoServices: readonly string[];
  /** ISO time the process started. */
  readonly startedAt: string;
}

export type HealthState = 'SERVING' | 'NOT_SERVING';

export interface ServiceHooks {
  /** A name for logs ("registration", "telemetry"). */
  readonly name: string;
  /** Called once the server is bound and reports SERVING. */
  onServing?(instance: InstanceInfo): Promise<void> | void;
  /** Called whenever the health state changes after onServing. */
  onHealthChange?(state: HealthState): Promise<void> | void;
  /** Called first on shutdown, before in-flight calls drain: deregister here. */
  onDraining?(): Promise<void> | void;
  /** Called after the drain, before exit: flush telemetry here. */
  onStopped?(): Promise<void> | void;
  /** Observers of every served call (observability's server metrics), run by the runtime's one interceptor. */
  readonly callObservers?: readonly import('./call-observer').ServerCallObserver[];
}

/** HookFactory builds the hooks of a process from its effective runtime config. */
export type HookFactory = (ctx: { service: string; config: import('./config').ConfigOf<typeof import('./runtime-config').runtimeSpecs> }) => ServiceHooks | undefined;

const factories: HookFactory[] = [];

/** addHookFactory lets a module contribute hooks to every service started afterwards. */
export function addHookFactory(factory: HookFactory): void {
  factories.push(factory);
}

/** hookFactories lists the contributed factories (the runtime calls them at start). */
export function hookFactories(): readonly HookFactory[] {
  return factories;
}
