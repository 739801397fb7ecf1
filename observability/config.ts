/**
 * Telemetry configuration: the standard OTEL_* variables we honour plus our own MEDIAMESH_* ones,
 * parsed with the runtime's config parsers so a bad value names its variable (the process exits 2
 * like any other bad configuration). Tracing is on only when an OTLP endpoint is given and
 * OTEL_SDK_DISABLED is not true; metrics only when MEDIAMESH_METRICS_PORT is set.
 */
import { bool, int, loadConfig, num, oneOf, str, type ConfigOf, type EnvSpec } from '../services/runtime/config';
import { defaultInstanceId, runtimeSpecs } from '../services/runtime/runtime-config';
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
