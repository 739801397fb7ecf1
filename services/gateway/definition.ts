/**
 * gatewayService: the gateway on the service host's lifecycle (services/runtime/server.ts), with
 * its HTTP server as the transport: the host prints the configuration (exit 2 naming a bad
 * variable), binds, logs {"event":"serving","port"}, runs the hooks (registration as mesh service
 * `gateway`, telemetry), and on SIGTERM/SIGINT (or the launcher gone) fails /readyz, deregisters,
 * waits the deregister delay, drains the HTTP server (closing what is left at the drain timeout),
 * closes the upstream clients and exits 0.
 */
import { metrics } from '@opentelemetry/api';
import { activeTelemetry } from '../../observability/start';
import { createChangeSignal, createZkSession } from '../../mesh/registry';
import type { TransportServiceDefinition } from '../runtime';
import { createBucketDirectory } from './bucket-visibility';
import { gatewaySpecs } from './config';
import type { GatewayContext } from './context';
import { createGatewayMetrics } from './metrics';
import { statFor } from './object-access';
import { setUpResultCache } from './result-cache/setup';
import { SecurityChecker } from './security-checker';
import { createGatewayServer } from './server';
import { createUpstreams } from './upstreams';

export const gatewayService: TransportServiceDefinition<typeof gatewaySpecs> = {
  name: 'gateway',
  protoServices: [],
  specs: gatewaySpecs,
  // The gateway listens on MEDIAMESH_GATEWAY_PORT, not the gRPC port.
  unusedRuntime: ['port'],
  async start({ runtime, config, log }) {
    const upstreams = createUpstreams({ mode: runtime.meshMode });
    const checker = new SecurityChecker({ adminToken: config.adminToken, signingKeys: config.signingKeys });
    const buckets = createBucketDirectory(upstreams, config.upstreamTimeoutMs);
    // observability/start runs the gateway's meter in any case (its own /metrics route reads it).
    const telemetry = activeTelemetry();
    const gatewayMetrics = createGatewayMetrics(metrics.getMeter('mediamesh/gateway'), () => telemetry?.metricsText() ?? Promise.resolve(''));
    // With ZooKeeper, storage's change signals keep the results cache's etags true for writes made elsewhere.
    const session = runtime.zk ? createZkSession({ connectString: runtime.zk, log: log.child({ component: 'change-signal' }) }) : undefined;
    const changes = session && createChangeSignal({ session, basePath: runtime.zkBasePath, log });
    const results = await setUpResultCache({
      config,
      home: runtime.home,
      metrics: gatewayMetrics,
      log,
      changes,
      statEtag: async (bucket, key) => (await statFor(ctx, bucket, key)).info!.etag,
    });
    const ctx: GatewayContext = { config, upstreams, checker, buckets, metrics: gatewayMetrics, results, log };
    // /readyz fails until serving and from the start of the shutdown.
    let serving = false;
    const app = createGatewayServer(ctx, () => !serving);
    return {
      transport: {
        address: config.host,
        async listen() {
          await app.listen({ port: config.port, host: config.host });
          const address = app.server.address();
          return typeof address === 'object' && address ? address.port : config.port;
        },
        setHealth: (state) => (serving = state === 'SERVING'),
        async drain(timeoutMs) {
          const force = setTimeout(() => {
            log.warn('drain timeout: closing remaining connections', { timeoutMs });
            app.server.closeAllConnections();
          }, timeoutMs);
          await app.close();
          clearTimeout(force);
        },
      },
      cleanup: async () => {
        upstreams.close();
        await session?.close();
      },
    };
  },
};
