/**
 * Telemetry configuration: which process this is and what to start. The standard OTEL_* variables
 * (exporter endpoint, protocol and headers, sampler, batch processor, limits, propagators, resource
 * attributes, log level) are the OpenTelemetry SDK's to read and report: we only look at whether
 * tracing is asked for at all. Tracing is on when an OTLP endpoint is given and OTEL_SDK_DISABLED is
 * not true; metrics when MEDIAMESH_METRICS_PORT is set, and always in the gateway, whose own port
 * serves /metrics. Our MEDIAMESH_* variables are parsed like the runtime's: a bad value names its
 * variable and the process exits 2.
 */
import { int, loadConfig, str, type ConfigOf, type EnvSpec } from '../core/config';
import { defaultInstanceId, runtimeSpecs } from '../core/runtime-config';
import { serviceNameFromEntry } from './service-name';

/** metricsPort: "off" (or unset) disables the endpoint, 0 picks a free port, else the port. */
function metricsPort(raw: string): number {
  if (raw.toLowerCase() === 'off') return -1;
  return int(0, 65535)(raw);
}

/** telemetrySpecs lists every MEDIAMESH_* variable observability reads. */
export const telemetrySpecs = {
  serviceName: {
    name: 'MEDIAMESH_SERVICE_NAME',
    doc: 'logical service name for telemetry (default: from the entry path, services/<name>/main)',
    fallback: '',
    parse: str(/^[a-z][a-z0-9-]{0,40}$/, 'a short lower-case name such as image'),
  },
  metricsPort: {
    name: 'MEDIAMESH_METRICS_PORT',
    doc: 'Prometheus endpoint port (off = none, 0 = a free port, printed at start)',
    fallback: -1,
    parse: metricsPort,
  },
  metricsHost: { name: 'MEDIAMESH_METRICS_HOST', doc: 'address the Prometheus endpoint binds', fallback: '127.0.0.1', parse: runtimeSpecs.host.parse },
} satisfies Record<string, EnvSpec<unknown>>;

export type TelemetrySettings = ConfigOf<typeof telemetrySpecs>;

/** SERVES_OWN_METRICS: processes whose own HTTP port answers /metrics (so their meter always runs). */
const SERVES_OWN_METRICS = new Set(['gateway']);

/** TelemetryConfig is the effective, validated configuration of one process's telemetry. */
export interface TelemetryConfig {
  readonly settings: TelemetrySettings;
  /** Logical name (image); the resource says mediamesh-image. */
  readonly service: string;
  readonly version: string;
  readonly zone: string;
  /** Same id the runtime logs and registers (MEDIAMESH_INSTANCE_ID or <service>-<random>). */
  readonly instanceId: string;
  /** The SDK traces and exports (OTEL_EXPORTER_OTLP_ENDPOINT or _TRACES_ENDPOINT set, SDK not disabled). */
  readonly tracing: boolean;
  /** A meter provider with a Prometheus reader runs. */
  readonly metrics: boolean;
  /** ... and it listens on MEDIAMESH_METRICS_PORT (else only the process's own /metrics route reads it). */
  readonly metricsEndpoint: boolean;
}

/** sdkDisabled is the spec's OTEL_SDK_DISABLED: only "true" (any case) disables. */
export function sdkDisabled(env: Record<string, string | undefined>): boolean {
  return env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
}

/** loadTelemetryConfig validates the environment; throws ConfigError naming the bad variable. */
export function loadTelemetryConfig(env: Record<string, string | undefined> = process.env, entry = process.argv[1]): TelemetryConfig {
  const settings = loadConfig(telemetrySpecs, env);
  const shared = loadConfig({ version: runtimeSpecs.version, zone: runtimeSpecs.zone, instanceId: runtimeSpecs.instanceId }, env);
  const service = settings.serviceName || serviceNameFromEntry(entry) || 'unknown';
  const disabled = sdkDisabled(env);
  const metricsEndpoint = !disabled && settings.metricsPort >= 0;
  return {
    settings,
    service,
    version: shared.version,
    zone: shared.zone,
    instanceId: shared.instanceId || defaultInstanceId(service),
    tracing: !disabled && Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()),
    metrics: metricsEndpoint || SERVES_OWN_METRICS.has(service),
    metricsEndpoint,
  };
}
