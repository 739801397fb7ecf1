/**
 * The control plane's HTTP debug endpoint: GET /status (JSON, see status.ts),
 * GET /config_dump?node=<id>, GET /healthz. Read-only; bind it to 127.0.0.1 unless the
 * network is trusted.
 */
import * as http from 'node:http';
import { configDump, statusOf, type StatusSources } from './status';

function send(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2) + '\n');
}

/** startStatusServer listens on host:port (0 = a free port) and resolves with the server and port. */
export function startStatusServer(src: StatusSources, host: string, port: number): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET') return send(res, 405, { code: 405, error: 'only GET is served' });
    if (url.pathname === '/healthz') return send(res, 200, { ok: true });
    if (url.pathname === '/status') return send(res, 200, statusOf(src));
    if (url.pathname === '/config_dump') {
      const node = url.searchParams.get('node');
      if (!node) return send(res, 400, { code: 400, error: 'pass ?node=<node id> (see /status for the connected nodes)' });
      const dump = configDump(src, node);
      return dump ? send(res, 200, dump) : send(res, 404, { code: 404, error: `node ${node} is not connected` });
    }
    send(res, 404, { code: 404, error: 'unknown path; try /status or /config_dump?node=<id>' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}
