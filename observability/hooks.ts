/**
 * telemetryHookFactory plugs telemetry into the shared service runtime (services/runtime/hooks.ts):
 * every served gRPC method gets its rate/errors/duration metrics through a server interceptor, and
 * onStopped (after the drain, so the last calls' spans have ended) flushes and shuts the SDK down.
 */
import type { HookFactory, ServiceHooks } from '../services/runtime/hooks';
import type { Telemetry } from './telemetry';

/** telemetryHookFactory builds the "telemetry" hooks of one service from the running telemetry. */
export function telemetryHookFactory(telemetry: Telemetry): HookFactory {
  return () => {
    const hooks: ServiceHooks = {
      name: 'telemetry',
      onStopped: () => telemetry.shutdown(),
    };
    if (!telemetry.config.metrics) return hooks;
    // Required here, not at the top: the runtime has loaded (and the SDK patched) @grpc/grpc-js by now.
    const { createRpcServerMetricsInterceptor } = require('./metrics/rpc-server-metrics') as typeof import('./metrics/rpc-server-metrics');
    return { ...hooks, serverInterceptors: [createRpcServerMetricsInterceptor(telemetry.meter('mediamesh/rpc'))] };
  };
}
