/**
 * startTelemetry assembles OpenTelemetry for one process from its TelemetryConfig:
 *  - tracing: the OpenTelemetry Node SDK (`NodeSDK`), which reads the standard OTEL_* environment
 *    itself (OTLP exporter and protocol, sampler, batch span processor, limits, propagators; W3C
 *    trace context and baggage by default) and installs the AsyncLocalStorage context manager, so a
 *    request's context follows its awaits. Spans of gRPC calls (client and server) and of incoming
 *    HTTP requests come from the maintained instrumentations (instrumentations.ts); the media work
 *    adds its own (spans.ts).
 *  - metrics: the SDK's MeterProvider with a Prometheus reader (served on MEDIAMESH_METRICS_PORT,
 *    and by the gateway's /metrics route), our instruments plus the Node.js runtime's standard ones.
 * Every SDK package is required lazily, so a process with telemetry off loads none of them.
 */
import type { Meter } from '@opentelemetry/api';
import type { Logger } from '../core/log';
import type { TelemetryConfig } from './config';
import type { PrometheusEndpoint } from './metrics/prometheus-endpoint';
import { otelServiceName } from './service-name';

/** Telemetry is the running telemetry of a process. */
export interface Telemetry {
  readonly config: TelemetryConfig;
  /** Resolves with the listening Prometheus endpoint (undefined when there is none); rejects if it cannot listen. */
  readonly metricsEndpoint: Promise<PrometheusEndpoint | undefined>;
  /** The meter for our own instruments (a no-op meter when metrics are off). */
  meter(name: string): Meter;
  /** metricsText renders every metric of the process in the Prometheus text format ('' when metrics are off). */
  metricsText(): Promise<string>;
  /** forceFlush exports every finished span now. */
  forceFlush(): Promise<void>;
  /** shutdown flushes and stops the SDK and the metrics endpoint (idempotent). */
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
 * startTelemetry starts tracing and metrics synchronously (before the process loads @grpc/grpc-js,
 * so the gRPC instrumentation can patch it); only the metrics endpoint's listen completes later.
 */
export function startTelemetry(config: TelemetryConfig, log: Logger): Telemetry {
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const resources = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { installDiagLogger } = require('./diag-log') as typeof import('./diag-log');
  installDiagLogger(log);

  // The SDK's defaults (telemetry.sdk.*), OTEL_RESOURCE_ATTRIBUTES and the process, then ours. No
  // host detector (it reads files asynchronously at every start), no random service.instance.id.
  const resource = resources
    .defaultResource()
    .merge(resources.detectResources({ detectors: [resources.envDetector, resources.processDetector] }))
    .merge(resources.resourceFromAttributes(resourceAttributes(config)));

  let sdk: import('@opentelemetry/sdk-node').NodeSDK | undefined;
  if (config.tracing) {
    const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
    const { tracingInstrumentations } = require('./instrumentations') as typeof import('./instrumentations');
    sdk = new NodeSDK({
      resource,
      autoDetectResources: false,
      instrumentations: tracingInstrumentations(),
      // Our meter provider (above) serves metrics; no OTLP metrics or logs go to the trace backend.
      metricReaders: [],
      logRecordProcessors: [],
    });
    sdk.start();
  }

  // Metrics after tracing: the gRPC and HTTP instrumentations took the (no-op) global meter provider
  // then, so they add no duration histograms of their own beside ours (rpc_server_*, mediamesh_gateway_*).
  let metrics: import('./metrics/meter').ProcessMetrics | undefined;
  if (config.metrics) metrics = (require('./metrics/meter') as typeof import('./metrics/meter')).startProcessMetrics(resource);

  const env = process.env;
  log.info('telemetry started', {
    event: 'telemetry',
    serviceName: otelServiceName(config.service),
    tracing: config.tracing ? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT : 'off',
    sampler: config.tracing ? [env.OTEL_TRACES_SAMPLER || 'parentbased_always_on', env.OTEL_TRACES_SAMPLER_ARG].filter(Boolean).join(':') : undefined,
    metrics: !metrics ? 'off' : config.metricsEndpoint ? 'starting' : 'own /metrics route',
  });
  const metricsEndpoint: Promise<PrometheusEndpoint | undefined> =
    metrics && config.metricsEndpoint
      ? (require('./metrics/prometheus-endpoint') as typeof import('./metrics/prometheus-endpoint'))
          .startPrometheusEndpoint(metrics.render, config.settings.metricsHost, config.settings.metricsPort)
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
    metricsText: () => metrics?.render() ?? Promise.resolve(''),
    forceFlush: async () => {
      const provider = api.trace.getTracerProvider() as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
      await provider.getDelegate?.().forceFlush?.();
    },
    shutdown: () =>
      (stopped ??= (async () => {
        await Promise.all([sdk?.shutdown(), metrics?.shutdown()]).catch((err: unknown) => log.warn('telemetry shutdown failed', { err: String(err) }));
        await (await metricsEndpoint.catch(() => undefined))?.close();
      })()),
  };
}
