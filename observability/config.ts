/**
 * Telemetry configuration: the standard OTEL_* variables we honour plus our own MEDIAMESH_* ones,
 * parsed with the runtime's config parsers so a bad value names its variable (the process exits 2
 * like any other bad configuration). Tracing is on only when an OTLP endpoint is given and
 * OTEL_SDK_DISABLED is not true; metrics only when MEDIAMESH_METRICS_PORT is set.
 */
import { bool, int, loadConfig, num, oneOf, str, type ConfigOf, type EnvSpec } from '../core/config';
import { defaultInstanceId, runtimeSpecs } from '../core/runtime-config';
import { serviceNameFromEntry } from './service-name';

/** SAMPLERS are the OTEL_TRACES_SAMPLER values of the OpenTelemetry spec that we support. */
export const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

const url = str(/^https?:\/\/[^\s]+$/, 'an http(s) URL such as http://127.0.0.1:4318');

/** metricsPort: "off" (or unset) disables the endpoint, 0 picks a free port, else the port. */
function metricsPort(raw: string): number {
  if (raw.toLowerCase() === 'off') return -1;
  return int(0, 65535)(raw);
}

/**
 * otlpHeaders parses OTEL_EXPORTER_OTLP_HEADERS: `key=value` pairs separated by commas, values
 * percent-encoded (the OpenTelemetry spec's format), e.g. `authorization=Bearer%20abc`.
 */
export function otlpHeaders(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    if (eq < 1 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) throw new Error(`expected key=value pairs separated by commas, got ${JSON.stringify(pair.trim().slice(0, 40))}`);
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new Error(`the value of ${key} is not percent-encoded`);
    }
    if (/[\r\n\0]/.test(value)) throw new Error(`the value of ${key} contains a line break`);
    out[key.toLowerCase()] = value;
  }
  return out;
}

/** limit: a count or length limit; unset or empty means the fallback. */
const limit = int(0, 1_000_000);

/** telemetrySpecs lists every variable observability reads. */
export const telemetrySpecs = {
  serviceName: {
    name: 'MEDIAMESH_SERVICE_NAME',
    doc: 'logical service name for telemetry (default: from the entry path, services/<name>/main)',
    fallback: '',
    parse: str(/^[a-z][a-z0-9-]{0,40}$/, 'a short lower-case name such as image'),
  },
  sdkDisabled: { name: 'OTEL_SDK_DISABLED', doc: 'true turns tracing and metrics off', fallback: false, parse: bool },
  otlpEndpoint: { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', doc: 'OTLP/HTTP base URL (Jaeger :4318); unset = tracing off', fallback: '', parse: url },
  otlpTracesEndpoint: { name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', doc: 'full OTLP/HTTP traces URL (overrides the base URL)', fallback: '', parse: url },
  otlpProtocol: {
    name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    doc: 'only http/protobuf (Jaeger :4318): the one exporter shipped and tested',
    fallback: 'http/protobuf',
    parse: oneOf('http/protobuf'),
  },
  otlpHeaders: { name: 'OTEL_EXPORTER_OTLP_HEADERS', doc: 'extra headers on every export: k=v,k2=v2 (percent-encoded values)', fallback: {} as Record<string, string>, parse: otlpHeaders, secret: true },
  otlpTimeout: { name: 'OTEL_EXPORTER_OTLP_TIMEOUT', doc: 'ms an export may take, retries included', fallback: 10_000, parse: int(1, 600_000) },
  bspScheduleDelay: { name: 'OTEL_BSP_SCHEDULE_DELAY', doc: 'ms between span exports', fallback: 5000, parse: int(0, 3_600_000) },
  bspMaxQueueSize: { name: 'OTEL_BSP_MAX_QUEUE_SIZE', doc: 'spans waiting for export at most (more are dropped and counted)', fallback: 2048, parse: int(1, 1_000_000) },
  bspMaxExportBatchSize: { name: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', doc: 'spans per export at most', fallback: 512, parse: int(1, 1_000_000) },
  attributeCountLimit: { name: 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', doc: 'attributes per span (and per event) at most', fallback: 128, parse: limit },
  attributeValueLengthLimit: {
    name: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
    doc: 'characters per string attribute value at most (unset = no limit)',
    fallback: Infinity,
    parse: limit,
  },
  eventCountLimit: { name: 'OTEL_SPAN_EVENT_COUNT_LIMIT', doc: 'events per span at most', fallback: 128, parse: limit },
  linkCountLimit: { name: 'OTEL_SPAN_LINK_COUNT_LIMIT', doc: 'links per span at most', fallback: 128, parse: limit },
  sampler: { name: 'OTEL_TRACES_SAMPLER', doc: 'sampler (OpenTelemetry spec names)', fallback: 'parentbased_always_on' as SamplerName, parse: oneOf(...SAMPLERS) },
  samplerArg: { name: 'OTEL_TRACES_SAMPLER_ARG', doc: 'ratio for the traceidratio samplers', fallback: 1, parse: num(0, 1) },
  metricsPort: {
    name: 'MEDIAMESH_METRICS_PORT',
    doc: 'Prometheus endpoint port (off = none, 0 = a free port, printed at start)',
    fallback: -1,
    parse: metricsPort,
  },
  metricsHost: { name: 'MEDIAMESH_METRICS_HOST', doc: 'address the Prometheus endpoint binds', fallback: '127.0.0.1', parse: runtimeSpecs.host.parse },
} satisfies Record<string, EnvSpec<unknown>>;

export type TelemetrySettings = ConfigOf<typeof telemetrySpecs>;

/** TelemetryConfig is the effective, validated configuration of one process's telemetry. */
export interface TelemetryConfig {
  readonly settings: TelemetrySettings;
  /** Logical name (image); the resource says mediamesh-image. */
  readonly service: string;
  readonly version: string;
  readonly zone: string;
  /** Same id the runtime logs and registers (MEDIAMESH_INSTANCE_ID or <service>-<random>). */
  readonly instanceId: string;
  readonly tracing: boolean;
  readonly metrics: boolean;
}

/** loadTelemetryConfig validates the environment; throws ConfigError naming the bad variable. */
export function loadTelemetryConfig(env: Record<string, string | undefined> = process.env, entry = process.argv[1]): TelemetryConfig {
  const settings = loadConfig(telemetrySpecs, env);
  const shared = loadConfig({ version: runtimeSpecs.version, zone: runtimeSpecs.zone, instanceId: runtimeSpecs.instanceId }, env);
  const service = settings.serviceName || serviceNameFromEntry(entry) || 'unknown';
  return {
    settings,
    service,
    version: shared.version,
    zone: shared.zone,
    instanceId: shared.instanceId || defaultInstanceId(service),
    tracing: !settings.sdkDisabled && Boolean(settings.otlpEndpoint || settings.otlpTracesEndpoint),
    metrics: !settings.sdkDisabled && settings.metricsPort >= 0,
  };
}
