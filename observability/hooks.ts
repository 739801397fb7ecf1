/**
 * telemetryHookFactory plugs telemetry into the shared service runtime (services/runtime/hooks.ts):
 * every served gRPC method gets its server span (grpc-spans.ts) and its rate/errors/duration
 * metrics through server interceptors, and onStopped (after the drain, so the last calls' spans
 * have ended) flushes and shuts the SDK down.
 */
import type { ServerInterceptor } from '@grpc/grpc-js';
import type { HookFactory, ServiceHooks } from '../services/runtime/hooks';
import type { Telemetry } from './telemetry';

/** telemetryHookFactory builds the "telemetry" hooks of one service from the running telemetry. */
export function telemetryHookFactory(telemetry: Telemetry): HookFactory {
  return () => {
    const hooks: ServiceHooks = {
      name: 'telemetry',
      onStopped: () => telemetry.shutdown(),
    };
    // Required here, not at the top: observability/start must not load @grpc/grpc-js (the runtime has by now).
    const interceptors: ServerInterceptor[] = [];
    if (telemetry.config.tracing) interceptors.push((require('./grpc-spans') as typeof import('./grpc-spans')).tracingServerInterceptor);
    if (telemetry.config.metrics) {
      const { createRpcServerMetricsInterceptor } = require('./metrics/rpc-server-metrics') as typeof import('./metrics/rpc-server-metrics');
      interceptors.push(createRpcServerMetricsInterceptor(telemetry.meter('mediamesh/rpc')));
    }
    return interceptors.length ? { ...hooks, serverInterceptors: interceptors } : hooks;
  };
}
