/**
 * startTelemetry assembles the OpenTelemetry Node SDK for one process from its TelemetryConfig:
 * W3C trace context, the synchronous context manager (sync-context.ts: no async_hooks), a resource
 * naming the instance, a batched OTLP http/protobuf exporter and, when asked, a Prometheus endpoint.
 * No auto-instrumentation: the spans of gRPC calls come from interceptors (grpc-spans.ts, installed
 * by start.ts and the runtime hooks), the gateway's HTTP server span from http-server-spans.ts.
 * Every SDK package is required lazily, so a process with telemetry off loads none of them.
 */
import type { Meter } from '@opentelemetry/api';
import type { Logger } from '../services/runtime/log';
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

/**
 * startTelemetry starts the SDK synchronously; only the metrics endpoint's listen completes later,
 * through metricsEndpoint.
 */
export function startTelemetry(config: TelemetryConfig, log: Logger): Telemetry {
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { defaultResource, resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { SyncContextManager } = require('./sync-context') as typeof import('./sync-context');
  const { W3CTraceContextPropagator, W3CBaggagePropagator, CompositePropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { settings } = config;

  let spanProcessor: import('@opentelemetry/sdk-trace-base').SpanProcessor | undefined;
  if (config.tracing) {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
    const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
    // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT/HEADERS/TIMEOUT itself; the processor OTEL_BSP_*.
    spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  }
  let prometheus: import('@opentelemetry/exporter-prometheus').PrometheusExporter | undefined;
  if (config.metrics) {
    const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus') as typeof import('@opentelemetry/exporter-prometheus');
    prometheus = new PrometheusExporter({ preventServerStart: true });
  }

  const sdk = new NodeSDK({
    resource: defaultResource().merge(resourceFromAttributes(resourceAttributes(config))),
    // env + process detectors only: the host detector reads files asynchronously at every start.
    resourceDetectors: [require('@opentelemetry/resources').envDetector, require('@opentelemetry/resources').processDetector],
    spanProcessors: spanProcessor ? [spanProcessor] : [],
    sampler: createSampler(settings.sampler, settings.samplerArg),
    textMapPropagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    metricReaders: prometheus ? [prometheus] : [],
    // Our logs go to stdout as JSON (services/runtime/log.ts); no OTLP log pipeline.
    logRecordProcessors: [],
    contextManager: new SyncContextManager(),
    // None: patching modules costs every call of every process; our interceptors make the spans we read.
    instrumentations: [],
  });
  sdk.start();

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
      await spanProcessor?.forceFlush();
    },
    shutdown: () =>
      (stopped ??= (async () => {
        await sdk.shutdown().catch((err: unknown) => log.warn('telemetry shutdown failed', { err: String(err) }));
        await (await metricsEndpoint.catch(() => undefined))?.close();
      })()),
  };
}
