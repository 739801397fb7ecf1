/**
 * periodic-work-preload: loaded with `--require` (NODE_OPTIONS) into the treated storage processes
 * of bench/periodic-work-effect.ts. When SIGUSR2 arrives it starts one kind of periodic work
 * (PERIODIC_WORK_KIND) every PERIODIC_WORK_MS milliseconds, aimed at the sinks the benchmark runs:
 *
 *   http    a 1 KB POST with Node's http client and a keep-alive agent (what our span exporter does)
 *   fetch   the same POST with fetch (undici)
 *   grpc    a 1 KB unary call with grpc-js
 *   worker  the http POST from a worker thread (the bytes are copied to it, never transferred)
 *   child   the http POST from a child process, whose stdin pipe carries the bytes
 *   raw-http  the http POST written by hand to a raw TCP connection; the answer is read, not parsed
 *   raw-http-ref    raw-http, and the socket is ref()'d for each POST and unref()'d at its answer
 *   raw-http-timer  raw-http, and each POST arms a 10 s timeout, cleared at its answer
 *   exporter  the http POST through the span exporter's own transport (observability/tracer/http1-post.ts)
 *   tcp     1 KB written to a raw TCP connection (no answer)
 *   tcp-echo  the same, and the sink answers each write with 100 bytes, which are read
 *   tcp-keepalive  the tcp kind on a socket with SO_KEEPALIVE (1 s), as http's keep-alive agent sets it
 *   tcp-nodelay    the tcp kind on a socket with TCP_NODELAY, as http, undici and http2 clients set it
 *   udp     a 1 KB UDP datagram
 *   timer   a timer doing a little JSON work and no I/O (the control)
 *
 * Without PERIODIC_WORK_KIND it does nothing, so a process it is preloaded into by inheritance is
 * left alone; nor does it in worker threads, which run NODE_OPTIONS' preloads too.
 */
import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { isMainThread, Worker } from 'node:worker_threads';

const kind = process.env.PERIODIC_WORK_KIND;
const BODY = Buffer.alloc(1000, 1);

/** splitHostPort reads "host:port". */
function splitHostPort(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}

/** httpPoster posts bodies to url with a keep-alive agent. Self-contained: the worker kind runs its source. */
function httpPoster(url: string): (body: Buffer) => void {
  const http = require('node:http') as typeof import('node:http');
  const agent = new http.Agent({ keepAlive: true });
  return (body) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => res.resume());
    req.on('error', () => undefined);
    req.end(body);
  };
}

/** sender makes the periodic work of one kind. */
function sender(kind: string): () => void {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`periodic-work-preload: ${name} is not set`);
    return value;
  };
  switch (kind) {
    case 'http': {
      const post = httpPoster(env('PERIODIC_WORK_URL'));
      return () => post(BODY);
    }
    case 'fetch': {
      const url = env('PERIODIC_WORK_URL');
      return () => void fetch(url, { method: 'POST', body: BODY, headers: { 'content-type': 'application/x-protobuf' } }).then((r) => r.arrayBuffer(), () => undefined);
    }
    case 'grpc': {
      // Required here: only the grpc kind loads grpc-js before the service does.
      const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
      const client = new grpc.Client(env('PERIODIC_WORK_GRPC'), grpc.credentials.createInsecure());
      const same = (b: Buffer) => b;
      return () => void client.makeUnaryRequest('/sink.Sink/Take', same, same, BODY, () => undefined);
    }
    case 'worker': {
      env('PERIODIC_WORK_URL'); // checked here; the worker reads it from the environment it inherits
      const worker = new Worker(`const post = (${httpPoster.toString()})(process.env.PERIODIC_WORK_URL);
        require('node:worker_threads').parentPort.on('message', (b) => post(Buffer.from(b.buffer, b.byteOffset, b.byteLength)));`, { eval: true });
      worker.unref();
      return () => worker.postMessage(new Uint8Array(BODY));
    }
    case 'child': {
      // The child posts every BODY.length bytes it reads; it exits when this process's end of the pipe closes.
      const source = `const post = (${httpPoster.toString()})(process.env.PERIODIC_WORK_URL);
        let pending = Buffer.alloc(0);
        process.stdin.on('data', (d) => { pending = Buffer.concat([pending, d]); while (pending.length >= ${BODY.length}) { post(pending.subarray(0, ${BODY.length})); pending = pending.subarray(${BODY.length}); } });
        process.stdin.on('end', () => process.exit(0));`;
      env('PERIODIC_WORK_URL'); // checked here; the child reads it from the environment it inherits
      const child = spawn(process.execPath, ['-e', source], { stdio: ['pipe', 'ignore', 'inherit'], env: { ...process.env, NODE_OPTIONS: '', PERIODIC_WORK_KIND: '' } });
      child.unref();
      child.stdin.on('error', () => undefined);
      return () => void child.stdin.write(BODY);
    }
    case 'raw-http':
    case 'raw-http-ref':
    case 'raw-http-timer': {
      const url = new URL(env('PERIODIC_WORK_URL'));
      const head = Buffer.from(`POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/x-protobuf\r\ncontent-length: ${BODY.length}\r\n\r\n`);
      const socket = net.connect(Number(url.port), url.hostname);
      let timer: NodeJS.Timeout | undefined;
      socket.on('error', () => undefined).on('data', () => {
        if (kind === 'raw-http-ref') socket.unref();
        clearTimeout(timer);
      });
      socket.unref();
      return () => {
        if (kind === 'raw-http-ref') socket.ref();
        if (kind === 'raw-http-timer') timer = setTimeout(() => undefined, 10_000).unref();
        socket.write(Buffer.concat([head, BODY]));
      };
    }
    case 'exporter': {
      // Required here: only this kind loads the exporter's transport.
      const { Http1Poster } = require('../observability/tracer/http1-post') as typeof import('../observability/tracer/http1-post');
      const poster = new Http1Poster(env('PERIODIC_WORK_URL'), { contentType: 'application/x-protobuf' });
      return () => void poster.post(BODY, 10_000).catch(() => undefined);
    }
    case 'tcp':
    case 'tcp-keepalive':
    case 'tcp-nodelay':
    case 'tcp-echo': {
      const [host, port] = splitHostPort(env(kind === 'tcp-echo' ? 'PERIODIC_WORK_TCP_ECHO' : 'PERIODIC_WORK_TCP'));
      const socket = net.connect(port, host);
      if (kind === 'tcp-keepalive') socket.setKeepAlive(true, 1000);
      if (kind === 'tcp-nodelay') socket.setNoDelay(true);
      socket.on('error', () => undefined).on('data', () => undefined);
      socket.unref();
      return () => void socket.write(BODY);
    }
    case 'udp': {
      const [host, port] = splitHostPort(env('PERIODIC_WORK_UDP'));
      const socket = dgram.createSocket('udp4');
      socket.unref();
      return () => socket.send(BODY, port, host);
    }
    case 'timer':
      return () => void JSON.stringify({ bytes: BODY.length, list: [1, 2, 3] });
    default:
      throw new Error(`periodic-work-preload: unknown PERIODIC_WORK_KIND ${kind}`);
  }
}

// Worker threads run NODE_OPTIONS' --require too: only the main thread works (else each worker would start another).
if (kind && isMainThread) {
  const send = sender(kind); // a bad kind or a missing sink fails at start, not mid-run
  const everyMs = Number(process.env.PERIODIC_WORK_MS ?? 1000);
  let timer: NodeJS.Timeout | undefined;
  process.on('SIGUSR2', () => {
    timer ??= setInterval(send, everyMs).unref();
  });
}
