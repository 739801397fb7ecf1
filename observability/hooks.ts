/**
 * telemetryHookFactory plugs telemetry into the shared service runtime (core/hooks.ts): every
 * served gRPC method gets its rate/errors/duration metrics through a call observer of the runtime's
 * server interceptor, and onStopped (after the drain, so the last calls' spans have ended) flushes
 * and shuts the SDK down. The calls' spans come from the gRPC instrumentation (instrumentations.ts).
 */
import type { HookFactory, ServiceHooks } from '../core/hooks';
import type { Telemetry } from './telemetry';

/** telemetryHookFactory builds the "telemetry" hooks of one service from the running telemetry. */
export function telemetryHookFactory(telemetry: Telemetry): HookFactory {
  return () => {
    const hooks: ServiceHooks = { name: 'telemetry', onStopped: () => telemetry.shutdown() };
    if (!telemetry.config.metrics) return hooks;
    // Required here, not at the top: observability/start must not load @grpc/grpc-js (the runtime has by now).
    const { createRpcServerMetricsObserver } = require('./metrics/rpc-server-metrics') as typeof import('./metrics/rpc-server-metrics');
    return { ...hooks, callObservers: [createRpcServerMetricsObserver(telemetry.meter('mediamesh/rpc'))] };
  };
}
