/**
 * The gateway process: `node dist/services/gateway/main.js`. Loads and prints its
 * configuration (exit 2 naming a bad variable), listens, logs {"event":"serving","port"},
 * runs the runtime's hooks (registration as mesh service `gateway`, telemetry) and on
 * SIGTERM/SIGINT (or when the launcher that started it is gone) fails /readyz, deregisters, closes gracefully and exits 0.
 */
import './heap-for-size';
import { activeTelemetry } from '../../observability/start';
import { metrics } from '@opentelemetry/api';
import { hookFactories, type InstanceInfo, type ServiceHooks } from '../../core/hooks';
import { ConfigError, createLogger, describeConfig, installCrashGuards, loadConfig, runtimeSpecs } from '../runtime';
import { defaultInstanceId } from '../../core/runtime-config';
import { watchLauncher } from '../../core/launcher-watch';
import { shutdownOnSignals } from '../../core/shutdown-signals';
import { createBucketDirectory } from './bucket-visibility';
import { gatewaySpecs } from './config';
import { createGatewayMetrics } from './metrics';
import { SecurityChecker } from './security-checker';
import { createGatewayServer } from './server';
import { createUpstreams } from './upstreams';

async function main(): Promise<void> {
  const boot = createLogger({ service: 'gateway' });
  let runtime, config;
  try {
    runtime = loadConfig(runtimeSpecs);
    config = loadConfig(gatewaySpecs);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    boot.error(`bad configuration: ${err.message}`, { event: 'config-error', variable: err.variable });
    process.stderr.write(`gateway: bad configuration: ${err.message}\n`);
    process.exit(2);
  }
  const instanceId = runtime.instanceId || defaultInstanceId('gateway');
  const log = createLogger({ service: 'gateway', instance: instanceId });
  installCrashGuards(log);
  const ready = shutdownOnSignals();
  watchLauncher(log);
  const { port: _grpcPort, ...shared } = describeConfig(runtimeSpecs, runtime);
  log.info('effective configuration', { config: { ...shared, ...describeConfig(gatewaySpecs, config) } });

  const upstreams = createUpstreams({ mode: runtime.meshMode });
  const checker = new SecurityChecker({ adminToken: config.adminToken, signingKeys: config.signingKeys });
  let draining = false;
  const buckets = createBucketDirectory(upstreams, config.upstreamTimeoutMs);
  // observability/start runs the gateway's meter in any case (its own /metrics route reads it).
  const telemetry = activeTelemetry();
  const gatewayMetrics = createGatewayMetrics(metrics.getMeter('mediamesh/gateway'), () => telemetry?.metricsText() ?? Promise.resolve(''));
  const app = createGatewayServer({ config, upstreams, checker, buckets, metrics: gatewayMetrics, log }, () => draining);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info('serving', { event: 'serving', port, address: config.host });

  const hooks = hookFactories()
    .map((f) => f({ service: 'gateway', config: runtime }))
    .filter((h): h is ServiceHooks => h !== undefined);
  const instance: InstanceInfo = {
    service: 'gateway',
    instanceId,
    address: runtime.advertiseAddress,
    port,
    version: runtime.version,
    zone: runtime.zone,
    weight: runtime.weight,
    protoServices: [],
    startedAt: new Date().toISOString(),
  };
  const run = async (stage: keyof ServiceHooks, fn: (h: ServiceHooks) => unknown) => {
    for (const h of hooks) await Promise.resolve(fn(h)).catch((err) => log.error(`hook ${h.name}.${stage} failed`, { err: String(err) }));
  };
  await run('onServing', (h) => h.onServing?.(instance));

  ready(async () => {
    draining = true;
    log.info('shutting down', { event: 'draining' });
    await run('onDraining', (h) => h.onDraining?.());
    const force = setTimeout(() => {
      log.warn('drain timeout: closing remaining connections', { timeoutMs: runtime.drainTimeoutMs });
      app.server.closeAllConnections();
    }, runtime.drainTimeoutMs);
    await app.close();
    clearTimeout(force);
    upstreams.close();
    await run('onStopped', (h) => h.onStopped?.());
    log.info('stopped', { event: 'stopped' });
  });
}

main().catch((err) => {
  createLogger({ service: 'gateway' }).error('failed to start', { err: err instanceof Error ? err.stack : String(err) });
  process.exit(1);
});
