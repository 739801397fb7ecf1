/**
 * The HTTP source of bench/vs-imgproxy.ts: serves one file (SOURCE_FILE, read once into memory)
 * at every path, as a plain web origin would, so imgproxy fetches its source over HTTP as users
 * run it. A process of its own, so its CPU is counted on imgproxy's side (as storage's is on
 * mediamesh's). Logs {"event":"serving","port"} like every mediamesh process.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';

const file = process.env.SOURCE_FILE;
if (!file) {
  process.stderr.write('source-server: SOURCE_FILE is required\n');
  process.exit(2);
}
const body = fs.readFileSync(file);
const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body));
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(JSON.stringify({ event: 'serving', port: typeof addr === 'object' && addr ? addr.port : 0 }) + '\n');
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
