/**
 * startPrometheusEndpoint serves the process's metrics as Prometheus text on
 * http://<host>:<port>/metrics. Our own small HTTP server around the meter's renderer
 * (metrics/meter.ts) so that port 0 works and the bound URL can be printed and tested.
 */
import * as http from 'node:http';

/** PrometheusEndpoint is a listening metrics endpoint. */
export interface PrometheusEndpoint {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** PROMETHEUS_CONTENT_TYPE is the text exposition format's media type (version 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** startPrometheusEndpoint listens on host:port (0 = free port) and answers GET /metrics. */
export async function startPrometheusEndpoint(render: () => Promise<string>, host: string, port: number): Promise<PrometheusEndpoint> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    render().then(
      (text) => res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${String(err)}\n`),
    );
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
