/**
 * startProcessMetrics: the process's one metrics stack. The SDK's MeterProvider (the global one, so
 * every `metrics.getMeter()` records into it) with a Prometheus reader that is pulled, never pushed:
 * by the Prometheus endpoint (MEDIAMESH_METRICS_PORT) and by the gateway's own /metrics route.
 * Besides our instruments it carries the standard Node.js runtime metrics
 * (@opentelemetry/instrumentation-runtime-node: event loop delay and utilization, V8 heap by space,
 * GC durations, active handles) and the process's resident memory, `process.memory.usage`.
 * Series carry no otel_scope_* labels: each of our metric names has one home, so the scope adds nothing.
 */
import { metrics, type Meter } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';

/** ProcessMetrics is the running metrics stack of a process. */
export interface ProcessMetrics {
  /** render collects every metric and writes the Prometheus text exposition. */
  render(): Promise<string>;
  shutdown(): Promise<void>;
}

/** addProcessMemory observes the resident set size under the semantic conventions' name. */
function addProcessMemory(meter: Meter): void {
  meter
    .createObservableUpDownCounter('process.memory.usage', { description: 'The amount of physical memory in use (RSS).', unit: 'By' })
    .addCallback((result) => result.observe(process.memoryUsage.rss()));
}

/** startProcessMetrics installs the global meter provider and the runtime metrics. */
export function startProcessMetrics(resource: Resource): ProcessMetrics {
  const { MeterProvider } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
  const { PrometheusExporter, PrometheusSerializer } = require('@opentelemetry/exporter-prometheus') as typeof import('@opentelemetry/exporter-prometheus');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { RuntimeNodeInstrumentation } = require('@opentelemetry/instrumentation-runtime-node') as typeof import('@opentelemetry/instrumentation-runtime-node');

  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  const provider = new MeterProvider({ resource, readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  const unregister = registerInstrumentations({ instrumentations: [new RuntimeNodeInstrumentation()], meterProvider: provider });
  addProcessMemory(provider.getMeter('mediamesh/process'));

  return {
    render: async () => {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length) (require('@opentelemetry/api') as typeof import('@opentelemetry/api')).diag.warn('metrics collection errors', ...errors);
      return serializer.serialize(resourceMetrics);
    },
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}
