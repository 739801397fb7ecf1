/**
 * The baseline of bench/gateway-throughput.ts: the same operation as
 * `GET /demo/sample.jpg?imageView2/1/w/200/h/200` done by sharp directly in one process
 * (no gateway, no mesh, no storage): an HTTP server that cover-crops an in-memory JPEG
 * to 200×200. Logs {"event":"serving","port"} like every mediamesh process.
 */
import * as http from 'node:http';
import sharp from 'sharp';

async function main(): Promise<void> {
  const source = await sharp({ create: { width: 640, height: 427, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .composite([{ input: Buffer.from('<svg width="640" height="427"><circle cx="320" cy="213" r="150" fill="#2a6"/></svg>'), top: 0, left: 0 }])
    .jpeg({ quality: 85 })
    .toBuffer();
  const server = http.createServer((_req, res) => {
    sharp(source)
      .rotate()
      .resize(200, 200, { fit: 'cover', position: 'centre' })
      .jpeg({ quality: 75 })
      .toBuffer()
      .then(
        (out) => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': out.length }).end(out),
        (err) => res.writeHead(500).end(String(err)),
      );
  });
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.stdout.write(JSON.stringify({ event: 'serving', port: typeof addr === 'object' && addr ? addr.port : 0 }) + '\n');
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

void main();
