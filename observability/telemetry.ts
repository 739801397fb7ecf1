/**
 * startTelemetry assembles OpenTelemetry for one process from its TelemetryConfig: W3C trace
 * context, the synchronous context manager (sync-context.ts: no async_hooks), a resource naming the
 * instance, our lean tracer with its batched OTLP http/protobuf exporter (tracer/) and, when asked,
 * the SDK's metrics with a Prometheus endpoint.
 * No auto-instrumentation: the spans of gRPC calls come from interceptors (grpc-spans.ts, installed
 * by start.ts and the runtime hooks), the gateway's HTTP server span from http-server-spans.ts.
 * Every SDK package is required lazily, so a process with telemetry off loads none of them.
 */
import type { Meter } from '@opentelemetry/api';
import type { Logger } from '../core/log';
import type { TelemetryConfig } from './config';
import type { PrometheusEndpoint } from './metrics/prometheus-endpoint';
import { createSampler } from './sampler';
import { otelServiceName } from './service-name';

/** Telemetry is the running telemetry of a process. */
export interface Telemetry {
  readonly config: TelemetryConfig;
  /** Resolves with the listening Prometheus endpoint (undefined when metrics are off); rejects if it cannot listen. */
  readonly metricsEndpoint: Promise<PrometheusEndpoint | undefined>;
  /** The meter for our own instruments (a no-op meter when metrics are off). */
  meter(name: string): Meter;
  /** forceFlush exports every finished span now. */
  forceFlush(): Promise<void>;
  /** shutdown flushes and stops exporters and the metrics endpoint (idempotent). */
  shutdown(): Promise<void>;
}

/** resourceAttributes are the attributes naming this process in Jaeger and Prometheus. */
export function resourceAttributes(config: TelemetryConfig): Record<string, string> {
  return {
    'service.name': otelServiceName(config.service),
    'service.namespace': 'mediamesh',
    'service.version': config.version,
    'service.instance.id': config.instanceId,
    'cloud.availability_zone': config.zone,
    'mediamesh.zone': config.zone,
  };
}

/** tracesUrl: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else the base endpoint + /v1/traces (the spec's rule). */
function tracesUrl(settings: TelemetryConfig['settings']): string {
  return settings.otlpTracesEndpoint || `${settings.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * startTelemetry starts tracing and metrics synchronously; only the metrics endpoint's listen
 * completes later, through metricsEndpoint.
 */
export function startTelemetry(config: TelemetryConfig, log: Logger): Telemetry {
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const resources = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { SyncContextManager } = require('./sync-context') as typeof import('./sync-context');
  const { W3CTraceContextPropagator, W3CBaggagePropagator, CompositePropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { settings } = config;

  // The SDK's defaults (telemetry.sdk.*), OTEL_RESOURCE_ATTRIBUTES and the process, then ours.
  // No host detector: it reads files asynchronously at every start.
  const resource = resources
    .defaultResource()
    .merge(resources.detectResources({ detectors: [resources.envDetector, resources.processDetector] }))
    .merge(resources.resourceFromAttributes(resourceAttributes(config)));

  api.context.setGlobalContextManager(new SyncContextManager());
  api.propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));

  let exporter: import('./tracer/span-exporter').BatchSpanExporter | undefined;
  if (config.tracing) {
    const { BatchSpanExporter } = require('./tracer/span-exporter') as typeof import('./tracer/span-exporter');
    const { LeanTracerProvider } = require('./tracer/lean-tracer') as typeof import('./tracer/lean-tracer');
    exporter = new BatchSpanExporter({
      url: tracesUrl(settings),
      headers: settings.otlpHeaders,
      timeoutMs: settings.otlpTimeout,
      scheduleDelayMs: settings.bspScheduleDelay,
      maxQueueSize: settings.bspMaxQueueSize,
      maxExportBatchSize: Math.min(settings.bspMaxExportBatchSize, settings.bspMaxQueueSize),
      resource: resource.attributes,
      log,
    });
    const limits = {
      attributeCountLimit: settings.attributeCountLimit,
      attributeValueLengthLimit: settings.attributeValueLengthLimit,
      eventCountLimit: settings.eventCountLimit,
      linkCountLimit: settings.linkCountLimit,
    };
    api.trace.setGlobalTracerProvider(new LeanTracerProvider({ sampler: createSampler(settings.sampler, settings.samplerArg), parentBased: settings.sampler.startsWith('parentbased_'), limits, sink: exporter }));
  }

  let prometheus: import('@opentelemetry/exporter-prometheus').PrometheusExporter | undefined;
  let meterProvider: import('@opentelemetry/sdk-metrics').MeterProvider | undefined;
  if (config.metrics) {
    const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus') as typeof import('@opentelemetry/exporter-prometheus');
    const { MeterProvider } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
    prometheus = new PrometheusExporter({ preventServerStart: true });
    meterProvider = new MeterProvider({ resource, readers: [prometheus] });
    api.metrics.setGlobalMeterProvider(meterProvider);
  }

  const describe = { serviceName: otelServiceName(config.service), tracing: config.tracing ? settings.otlpTracesEndpoint || settings.otlpEndpoint : 'off' };
  const sampler = config.tracing ? `${settings.sampler}${settings.sampler.endsWith('traceidratio') ? `:${settings.samplerArg}` : ''}` : undefined;
  log.info('telemetry started', { event: 'telemetry', ...describe, sampler, metrics: prometheus ? 'starting' : 'off' });
  const metricsEndpoint: Promise<PrometheusEndpoint | undefined> = prometheus
    ? (require('./metrics/prometheus-endpoint') as typeof import('./metrics/prometheus-endpoint'))
        .startPrometheusEndpoint(prometheus, settings.metricsHost, settings.metricsPort)
        .then((endpoint) => {
          log.info(`metrics at ${endpoint.url}`, { event: 'metrics', url: endpoint.url, port: endpoint.port });
          return endpoint;
        })
    : Promise.resolve(undefined);

  let stopped: Promise<void> | undefined;
  return {
    config,
    metricsEndpoint,
    meter: (name) => api.metrics.getMeter(name),
    forceFlush: async () => {
      await exporter?.forceFlush();
    },
    shutdown: () =>
      (stopped ??= (async () => {
        await Promise.all([exporter?.shutdown(), meterProvider?.shutdown()]).catch((err: unknown) => log.warn('telemetry shutdown failed', { err: String(err) }));
        await (await metricsEndpoint.catch(() => undefined))?.close();
      })()),
  };
}
