import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeLingering } from './lingering-close';

/** serverAnswering413 refuses every request at once, body unread; `closed` resolves with how long the server kept the connection. */
async function serverAnswering413(bounds?: Parameters<typeof closeLingering>[2]) {
  const server = http.createServer((req, res) => {
    closeLingering(req, res, bounds);
    res.writeHead(413, { 'content-type': 'application/json' }).end('{"code":413}');
  });
  const closed = new Promise<number>((resolve) =>
    server.once('connection', (socket: net.Socket) => {
      const opened = Date.now();
      socket.once('close', () => resolve(Date.now() - opened));
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as net.AddressInfo).port, closed };
}

/**
 * upload sends headers and then `mib` MiB of body, never finishing it. Half-open, the client goes
 * on sending after the server's FIN, as a client that does not read the answer would.
 */
function upload(port: number, mib: number, halfOpen: boolean) {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: halfOpen });
  let answer = '';
  let error: string | undefined;
  socket.on('data', (d) => (answer += d.toString()));
  socket.on('error', (e) => (error = (e as NodeJS.ErrnoException).code));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(`PUT /x HTTP/1.1\r\nhost: x\r\ncontent-length: ${64 * 1024 * 1024}\r\n\r\n`);
  const chunk = Buffer.alloc(1024 * 1024, 1);
  let sent = 0;
  const pump = () => {
    while (sent < mib && !socket.destroyed && socket.writable) {
      sent++;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
  };
  pump();
  return { socket, ended, result: () => ({ answer, error }) };
}

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('closeLingering', () => {
  it('lets a client still sending its body read the answer: no reset (fails with a plain Connection: close)', async () => {
    const { server, port } = await serverAnswering413({ totalMs: 5_000, idleMs: 300, bytes: 64 * 1024 * 1024 });
    cleanups.push(() => server.close());
    const client = upload(port, 8, false);
    await client.ended;
    const r = client.result();
    expect(r.answer).toMatch(/^HTTP\/1\.1 413/);
    expect(r.answer.toLowerCase()).toContain('connection: close');
    expect(r.answer).toContain('{"code":413}');
    expect(r.error).toBeUndefined();
  });

  it('stops reading a client that never stops after its byte bound', async () => {
    const { server, port, closed } = await serverAnswering413({ totalMs: 10_000, idleMs: 5_000, bytes: 2 * 1024 * 1024 });
    const client = upload(port, 60, true);
    cleanups.push(() => client.socket.destroy(), () => server.close());
    expect(await closed).toBeLessThan(5_000);
    expect(client.result().answer).toMatch(/^HTTP\/1\.1 413/);
  });

  it('closes a client that stops sending without finishing after the idle bound', async () => {
    const { server, port, closed } = await serverAnswering413({ totalMs: 10_000, idleMs: 200, bytes: 64 * 1024 * 1024 });
    const client = upload(port, 1, true);
    cleanups.push(() => client.socket.destroy(), () => server.close());
    const ms = await closed;
    expect(ms).toBeGreaterThanOrEqual(150);
    expect(ms).toBeLessThan(3_000);
  });

  it('closes after its total bound however slowly the client trickles', async () => {
    const { server, port, closed } = await serverAnswering413({ totalMs: 600, idleMs: 400, bytes: 64 * 1024 * 1024 });
    const client = upload(port, 0, true);
    const trickle = setInterval(() => client.socket.writable && client.socket.write('x'), 100);
    cleanups.push(() => clearInterval(trickle), () => client.socket.destroy(), () => server.close());
    const ms = await closed;
    expect(ms).toBeGreaterThanOrEqual(550);
    expect(ms).toBeLessThan(3_000);
  });
});
