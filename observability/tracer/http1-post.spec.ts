/**
 * Http1Poster against real servers on 127.0.0.1: Node's http and https servers for the ordinary
 * answers and connection reuse, raw TCP servers for the answers Node would not write (1xx, a body
 * ending with the connection, garbage, silence); ResponseReader fed byte by byte.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Poster, ResponseReader } from './http1-post';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** nodeServer answers each request with handle(); it counts connections and records requests. */
async function nodeServer(handle: (res: http.ServerResponse, n: number) => void, server: http.Server = http.createServer()) {
  const seen: Seen[] = [];
  let connections = 0;
  server.on('connection', () => connections++);
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      handle(res, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as net.AddressInfo).port, seen, connections: () => connections };
}

/** rawServer answers each request's first bytes by writing `answer` (and ending when asked). */
async function rawServer(answer: string | undefined, end = false) {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      if (answer === undefined) return; // silence
      socket.write(answer);
      if (end) socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => sockets.add(s));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1/traces`, connections: () => sockets.size };
}

function poster(url: string, opts: Partial<ConstructorParameters<typeof Http1Poster>[1]> = {}): Http1Poster {
  const p = new Http1Poster(url, { contentType: 'application/x-protobuf', ...opts });
  cleanups.push(() => p.close());
  return p;
}

describe('Http1Poster', () => {
  it('POSTs the body with its headers and reuses one connection', async () => {
    const s = await nodeServer((res, n) => res.writeHead(n === 2 ? 503 : 200, { 'content-type': 'application/json' }).end('{"partialSuccess":{}}'));
    const p = poster(`http://127.0.0.1:${s.port}/v1/traces?x=1`, { headers: { authorization: 'Bearer t0k' } });
    expect(await p.post(Buffer.from('one'), 1000)).toBe(200);
    expect(await p.post(Buffer.from('two'), 1000)).toBe(503);
    expect(await p.post(Buffer.alloc(100_000, 'z'), 1000)).toBe(200);
    expect(s.connections()).toBe(1);
    expect(s.seen.map((r) => [r.method, r.url, r.body.length])).toEqual([
      ['POST', '/v1/traces?x=1', 3],
      ['POST', '/v1/traces?x=1', 3],
      ['POST', '/v1/traces?x=1', 100_000],
    ]);
    expect(s.seen[0]!.headers).toMatchObject({
      host: `127.0.0.1:${s.port}`,
      authorization: 'Bearer t0k',
      'content-type': 'application/x-protobuf',
      'content-length': '3',
    });
    expect(s.seen[1]!.body).toBe('two');
  });

  it('reads chunked answers, and opens a new connection after "connection: close"', async () => {
    const s = await nodeServer((res, n) => {
      if (n === 2) res.setHeader('connection', 'close');
      res.write('part one, ');
      res.end('part two');
    });
    const p = poster(`http://127.0.0.1:${s.port}/v1/traces`);
    for (let i = 0; i < 3; i++) expect(await p.post(Buffer.from('x'), 1000)).toBe(200);
    expect(s.connections()).toBe(2);
  });

  it('reconnects when the server has closed the idle connection', async () => {
    // The answer leaves the connection open (no "connection: close"); the server closes it right after.
    const s = await rawServer('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n', true);
    const p = poster(s.url);
    expect(await p.post(Buffer.from('a'), 1000)).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(await p.post(Buffer.from('b'), 1000)).toBe(200);
    expect(s.connections()).toBe(2);
  });

  it('skips 1xx answers and reads a body that ends with the connection', async () => {
    const { url } = await rawServer('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nconnection: close\r\n\r\nthe rest', true);
    expect(await poster(url).post(Buffer.from('x'), 1000)).toBe(202);
  });

  it('posts over https, checking the certificate against the given CA', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-http1-post-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const s = await nodeServer((res) => res.end('ok'), https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }));
    const url = `https://127.0.0.1:${s.port}/v1/traces`;
    const p = poster(url, { tls: { ca: fs.readFileSync(cert) } });
    expect(await p.post(Buffer.from('secret'), 2000)).toBe(200);
    expect(await p.post(Buffer.from('again'), 2000)).toBe(200);
    expect(s.connections()).toBe(1);
    expect(s.seen.map((r) => r.body)).toEqual(['secret', 'again']);
    await expect(poster(url).post(Buffer.from('x'), 2000)).rejects.toThrow(/self.signed/);
  });

  it('rejects silence after the timeout, garbage, an endless head and a refused connection', async () => {
    await expect(poster((await rawServer(undefined)).url).post(Buffer.from('x'), 100)).rejects.toThrow('no answer within 100 ms');
    await expect(poster((await rawServer('SSH-2.0-OpenSSH\r\n\r\n')).url).post(Buffer.from('x'), 1000)).rejects.toThrow(/a bad answer: not an HTTP\/1.x status line/);
    await expect(poster((await rawServer(`HTTP/1.1 200 OK\r\nx: ${'a'.repeat(70_000)}`)).url).post(Buffer.from('x'), 1000)).rejects.toThrow(/head is over 65536 bytes/);
    await expect(poster((await rawServer('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort', true)).url).post(Buffer.from('x'), 1000)).rejects.toThrow(/closed before the answer/);
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    closed.close();
    await expect(poster(`http://127.0.0.1:${port}/`).post(Buffer.from('x'), 1000)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('takes one POST at a time and refuses header values that would split the request', async () => {
    const s = await nodeServer((res) => setTimeout(() => res.end(), 50));
    const p = poster(`http://127.0.0.1:${s.port}/`);
    const first = p.post(Buffer.from('a'), 1000);
    await expect(p.post(Buffer.from('b'), 1000)).rejects.toThrow('one POST at a time');
    expect(await first).toBe(200);
    expect(() => new Http1Poster('http://127.0.0.1:1/', { contentType: 'x', headers: { a: 'b\r\nevil: 1' } })).toThrow(/line break/);
    expect(() => new Http1Poster('ftp://127.0.0.1/', { contentType: 'x' })).toThrow(/not an http/);
  });
});

describe('ResponseReader', () => {
  const feedBytewise = (text: string) => {
    const r = new ResponseReader();
    const bytes = Buffer.from(text);
    const done = [...bytes].map((b) => r.feed(Buffer.from([b])));
    return { r, done };
  };

  it('reads a chunked answer with extensions and trailers fed one byte at a time', () => {
    const { r, done } = feedBytewise('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nx-trailer: 1\r\n\r\n');
    expect(done.indexOf(true)).toBe(done.length - 1);
    expect([r.status, r.keepAlive]).toEqual([200, true]);
  });

  it('knows when a body ends: content-length, none for 204, HTTP/1.0 closing unless kept alive', () => {
    expect(feedBytewise('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc').done.at(-1)).toBe(true);
    expect(feedBytewise('HTTP/1.1 204 No Content\r\n\r\n').done.at(-1)).toBe(true);
    const old = feedBytewise('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').r;
    expect(old.keepAlive).toBe(false);
    expect(feedBytewise('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n').r.keepAlive).toBe(true);
    const untilClose = new ResponseReader();
    expect(untilClose.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\nsome body'))).toBe(false);
    expect(untilClose.closed()).toBe(true);
    expect(untilClose.keepAlive).toBe(false);
  });

  it('refuses what is not a well-formed answer', () => {
    const bad = (text: string) => () => new ResponseReader().feed(Buffer.from(text));
    expect(bad('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n')).toThrow(/content-length/);
    expect(bad('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toThrow(/chunk size/);
    expect(bad('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n')).toThrow(/header line/);
    expect(bad('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab')).toThrow(/bytes after the response/);
    expect(bad(`HTTP/1.1 200 OK\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`)).toThrow(/body is over/);
  });
});
