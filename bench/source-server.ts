/**
 * The HTTP source of bench/vs-imgproxy.ts: serves the files of one folder (SOURCE_DIR, read once
 * into memory) at /<file name>, as a plain web origin would, so imgproxy fetches its source over
 * HTTP as users run it. A process of its own, so its CPU is counted on imgproxy's side (as
 * storage's is on mediamesh's). Logs {"event":"serving","port"} like every mediamesh process.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

const dir = process.env.SOURCE_DIR;
if (!dir) {
  process.stderr.write('source-server: SOURCE_DIR is required\n');
  process.exit(2);
}
const files = new Map(fs.readdirSync(dir).map((name) => [`/${name}`, fs.readFileSync(path.join(dir, name))]));
const server = http.createServer((req, res) => {
  const body = files.get(req.url ?? '');
  if (!body) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(JSON.stringify({ event: 'serving', port: typeof addr === 'object' && addr ? addr.port : 0 }) + '\n');
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
