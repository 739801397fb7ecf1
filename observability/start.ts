/**
 * observability/start: the FIRST import of every process entry (`import '../../observability/start';`).
 * It starts the OpenTelemetry SDK, whose gRPC and HTTP instrumentations must be in place before
 * anything loads @grpc/grpc-js, installs the trace-id log context and the runtime hooks (server
 * metrics, flush on shutdown). It loads neither @grpc/grpc-js nor http itself. With no OTLP endpoint
 * and no metrics port it does nothing beyond reading the environment. A bad MEDIAMESH_* variable
 * exits 2 naming it, like the runtime's own config; the OTEL_* ones are the SDK's to report.
 * Importing it twice is harmless: Node runs a module once.
 */
import { ConfigError } from '../core/config';
import { addHookFactory } from '../core/hooks';
import { createLogger, setLogContextProvider } from '../core/log';
import { loadTelemetryConfig, type TelemetryConfig } from './config';
import { telemetryHookFactory } from './hooks';
import { traceLogContext } from './log-context';
import { serviceNameFromEntry } from './service-name';
import { startTelemetry, type Telemetry } from './telemetry';

function loadOrExit(): TelemetryConfig {
  try {
    return loadTelemetryConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const service = serviceNameFromEntry(process.argv[1]) || 'process';
    createLogger({ service }).error(`bad configuration: ${err.message}`, { event: 'config-error', variable: err.variable });
    process.stderr.write(`${service}: bad configuration: ${err.message}\n`);
    process.exit(2);
  }
}

function start(config: TelemetryConfig): Telemetry | undefined {
  if (!config.tracing && !config.metrics) return undefined;
  const log = createLogger({ service: config.service, instance: config.instanceId, component: 'telemetry' });
  const telemetry = startTelemetry(config, log);
  telemetry.metricsEndpoint.catch((err: Error) => {
    const where = `${config.settings.metricsHost}:${config.settings.metricsPort}`;
    log.error(`cannot serve metrics on ${where}: ${err.message}`, { event: 'config-error', variable: 'MEDIAMESH_METRICS_PORT' });
    process.stderr.write(`${config.service}: MEDIAMESH_METRICS_PORT: cannot serve metrics on ${where}: ${err.message}\n`);
    process.exit(2);
  });
  if (config.tracing) setLogContextProvider(traceLogContext);
  addHookFactory(telemetryHookFactory(telemetry));
  return telemetry;
}

const telemetry = start(loadOrExit());

/**
 * shutdownTelemetry flushes and stops telemetry, for entries that do not run the runtime's hooks
 * (the control plane, the CLI): call it before process.exit. A no-op when telemetry is off.
 */
export function shutdownTelemetry(): Promise<void> {
  return telemetry?.shutdown() ?? Promise.resolve();
}

/** activeTelemetry is this process's telemetry (undefined when off), for tests and diagnostics. */
export function activeTelemetry(): Telemetry | undefined {
  return telemetry;
}
