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
import type { TransportServiceDefinition } from '../runtime';
import { createBucketDirectory } from './bucket-visibility';
import { gatewaySpecs } from './config';
import { createGatewayMetrics } from './metrics';
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
    // /readyz fails until serving and from the start of the shutdown.
    let serving = false;
    const app = createGatewayServer({ config, upstreams, checker, buckets, metrics: gatewayMetrics, log }, () => !serving);
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
      cleanup: () => upstreams.close(),
    };
  },
};
