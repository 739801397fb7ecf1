/**
 * startPrometheusEndpoint serves the process's OpenTelemetry metrics as Prometheus text on
 * http://<host>:<port>/metrics. We run our own HTTP server around the exporter's request handler
 * (preventServerStart) so that port 0 works and the bound URL can be printed and tested.
 */
import * as http from 'node:http';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

/** PrometheusEndpoint is a listening metrics endpoint. */
export interface PrometheusEndpoint {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** startPrometheusEndpoint listens on host:port (0 = free port) and answers GET /metrics. */
export async function startPrometheusEndpoint(exporter: PrometheusExporter, host: string, port: number): Promise<PrometheusEndpoint> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') return exporter.getMetricsRequestHandler(req, res);
    res.statusCode = 404;
    res.setHeader('content-type', 'text/plain');
    res.end('not found: metrics are at /metrics\n');
  });
  // A scrape endpoint must never keep the process alive on its own.
  server.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    port: bound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
