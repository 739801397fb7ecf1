/**
 * telemetryHookFactory plugs telemetry into the shared service runtime (core/hooks.ts):
 * every served gRPC method gets its server span (grpc-spans.ts) and its rate/errors/duration
 * metrics through call observers of the runtime's server interceptor, and onStopped (after the
 * drain, so the last calls' spans have ended) flushes and shuts the SDK down.
 */
import type { HookFactory, ServiceHooks } from '../core/hooks';
import type { ServerCallObserver } from '../core/call-observer';
import type { Telemetry } from './telemetry';

/** telemetryHookFactory builds the "telemetry" hooks of one service from the running telemetry. */
export function telemetryHookFactory(telemetry: Telemetry): HookFactory {
  return () => {
    const hooks: ServiceHooks = {
      name: 'telemetry',
      onStopped: () => telemetry.shutdown(),
    };
    // Required here, not at the top: observability/start must not load @grpc/grpc-js (the runtime has by now).
    const observers: ServerCallObserver[] = [];
    if (telemetry.config.tracing) observers.push((require('./grpc-spans') as typeof import('./grpc-spans')).tracingCallObserver);
    if (telemetry.config.metrics) {
      const { createRpcServerMetricsObserver } = require('./metrics/rpc-server-metrics') as typeof import('./metrics/rpc-server-metrics');
      observers.push(createRpcServerMetricsObserver(telemetry.meter('mediamesh/rpc')));
    }
    return observers.length ? { ...hooks, callObservers: observers } : hooks;
  };
}
