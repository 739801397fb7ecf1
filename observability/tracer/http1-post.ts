/**
 * Http1Poster: the span exporter's transport. It POSTs bodies to one URL over a kept-alive
 * HTTP/1.1 connection that it writes and reads itself on a plain `net` (or `tls`) socket, one
 * POST at a time, and answers with the response's status code.
 *
 * Why not node:http. bench/periodic-work-effect.ts measured that a 1 KB POST a second from
 * Node's http client makes a busy gRPC server in the same process spend +34 … +132 µs more CPU per
 * call (10–45 %); fetch and grpc-js do the same. The same POST written by hand to a bare socket,
 * its answer read: nothing (+5, −54, −40). This transport, side by side with node:http in the same
 * runs: +19 against +76, +19 against +101 (two writes then), +32 against +34: about half. The
 * mechanism is unknown (bench/tracing-cost.md); an exporter POSTs about once a second in every
 * traced process, so it pays that on every call it serves.
 *
 * What it speaks: a request with content-length; a response with content-length, chunked
 * transfer coding, or a body that ends with the connection; 1xx answers skipped; `connection:
 * close` and HTTP/1.0 honoured. The response body is read and dropped. Limits keep a broken or
 * hostile collector from growing memory: 64 KiB of head, 1 MiB of body.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
/** A connection idle longer than this is not reused: servers close idle ones (Node's after 5 s), and a POST racing that close would fail. */
const MAX_IDLE_MS = 4000;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/** ResponseReader reads one HTTP/1.1 response from the bytes fed to it. */
export class ResponseReader {
  status = 0;
  /** Whether the connection may carry another request after this response. */
  keepAlive = true;
  private pending: Buffer = Buffer.alloc(0);
  private state: 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'trailers' | 'until-close' | 'done' = 'head';
  /** Bytes left of the body (length) or of the current chunk and its CRLF (chunk-data). */
  private remaining = 0;
  private bodyBytes = 0;

  /** feed takes the next bytes; true once the response is complete. Throws on what is not HTTP/1.1. */
  feed(chunk: Buffer): boolean {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      switch (this.state) {
        case 'head': {
          const head = this.takeUntil(HEAD_END, MAX_HEAD_BYTES, 'the response head');
          if (head === undefined) return false;
          this.readHead(head);
          break;
        }
        case 'length':
          if (!this.skipRemaining()) return false;
          this.state = 'done';
          break;
        case 'chunk-size': {
          const line = this.takeUntil(CRLF, 1024, 'a chunk size line');
          if (line === undefined) return false;
          const hex = /^([0-9a-fA-F]{1,8})[ \t]*(;.*)?$/.exec(line)?.[1];
          if (hex === undefined) throw new Error(`a bad chunk size line: ${JSON.stringify(line.slice(0, 40))}`);
          const size = parseInt(hex, 16);
          this.countBody(size);
          this.state = size === 0 ? 'trailers' : 'chunk-data';
          this.remaining = size + CRLF.length;
          break;
        }
        case 'chunk-data':
          if (!this.skipRemaining()) return false;
          this.state = 'chunk-size';
          break;
        case 'trailers': {
          const line = this.takeUntil(CRLF, MAX_HEAD_BYTES, 'a response trailer');
          if (line === undefined) return false;
          if (line === '') this.state = 'done';
          break;
        }
        case 'until-close':
          this.countBody(this.pending.length);
          this.pending = Buffer.alloc(0);
          return false;
        case 'done':
          if (this.pending.length) throw new Error('bytes after the response');
          return true;
      }
    }
  }

  /** takeUntil consumes and returns the text before `delimiter`, or undefined until it has arrived (throws past `limit` bytes). */
  private takeUntil(delimiter: Buffer, limit: number, what: string): string | undefined {
    const end = this.pending.indexOf(delimiter);
    if (end < 0) {
      if (this.pending.length > limit) throw new Error(`${what} is over ${limit} bytes`);
      return undefined;
    }
    const text = this.pending.subarray(0, end).toString('latin1');
    this.pending = this.pending.subarray(end + delimiter.length);
    return text;
  }

  /** skipRemaining drops up to `remaining` pending bytes; true once all of them have been. */
  private skipRemaining(): boolean {
    const take = Math.min(this.remaining, this.pending.length);
    this.remaining -= take;
    this.pending = this.pending.subarray(take);
    return this.remaining === 0;
  }

  /** closed tells the reader the connection ended; true when that completes the response. */
  closed(): boolean {
    if (this.state !== 'until-close') return this.state === 'done';
    this.state = 'done';
    return true;
  }

  private readHead(head: string): void {
    const lines = head.split('\r\n');
    const status = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: |$)/.exec(lines[0] ?? '');
    if (!status) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
    const code = Number(status[2]);
    if (code >= 100 && code < 200) return; // informational: the real answer follows (state stays 'head')
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`a bad header line: ${JSON.stringify(line.slice(0, 40))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
    }
    this.status = code;
    const connection = (headers.get('connection') ?? '').toLowerCase().split(',').map((t) => t.trim());
    this.keepAlive = status[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    const coding = headers.get('transfer-encoding')?.toLowerCase();
    const length = headers.get('content-length');
    if (code === 204 || code === 304) this.state = 'done';
    else if (coding !== undefined) {
      if (!coding.split(',').pop()!.trim().startsWith('chunked')) {
        this.keepAlive = false;
        this.state = 'until-close';
      } else this.state = 'chunk-size';
    } else if (length !== undefined) {
      if (!/^\d{1,10}$/.test(length)) throw new Error(`a bad content-length: ${JSON.stringify(length.slice(0, 40))}`);
      this.remaining = Number(length);
      this.countBody(this.remaining);
      this.state = this.remaining ? 'length' : 'done';
    } else {
      this.keepAlive = false;
      this.state = 'until-close';
    }
  }

  private countBody(bytes: number): void {
    this.bodyBytes += bytes;
    if (this.bodyBytes > MAX_BODY_BYTES) throw new Error(`the response body is over ${MAX_BODY_BYTES} bytes`);
  }
}

/** A POST in flight on the connection. */
interface InFlight {
  readonly socket: net.Socket;
  readonly reader: ResponseReader;
  readonly resolve: (status: number) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export interface Http1PosterOptions {
  /** Extra headers of every request (OTEL_EXPORTER_OTLP_HEADERS). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly contentType: string;
  /** For https: URLs, e.g. a `ca` the server's certificate is checked against. */
  readonly tls?: tls.ConnectionOptions;
}

export class Http1Poster {
  private readonly host: string;
  private readonly port: number;
  private readonly secure: boolean;
  /** The request head without content-length and the blank line. */
  private readonly head: string;
  private socket: net.Socket | undefined;
  private idleSince = 0;
  private inFlight: InFlight | undefined;

  constructor(
    url: string,
    private readonly opts: Http1PosterOptions,
  ) {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`Http1Poster: ${url} is not an http(s) URL`);
    this.secure = u.protocol === 'https:';
    this.host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(u.port) || (this.secure ? 443 : 80);
    const fields = { host: u.host, 'content-type': opts.contentType, ...opts.headers };
    for (const [name, value] of Object.entries(fields))
      if (/[\r\n]/.test(name + value)) throw new Error(`Http1Poster: header ${JSON.stringify(name)} holds a line break`);
    this.head = `POST ${u.pathname}${u.search} HTTP/1.1\r\n${Object.entries(fields)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}`;
  }

  /** post sends body and resolves with the status code; it rejects on a network or protocol error and after timeoutMs. */
  post(body: Buffer, timeoutMs: number): Promise<number> {
    if (this.inFlight) return Promise.reject(new Error('Http1Poster: one POST at a time'));
    if (this.socket && Date.now() - this.idleSince > MAX_IDLE_MS) this.drop(this.socket);
    const socket = (this.socket ??= this.connect());
    socket.ref();
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(socket, new Error(`no answer within ${timeoutMs} ms`)), Math.max(1, timeoutMs));
      timer.unref();
      this.inFlight = { socket, reader: new ResponseReader(), resolve, reject, timer };
      // One write of head and body: one segment, so no Nagle wait and no TCP_NODELAY needed.
      socket.write(Buffer.concat([Buffer.from(`${this.head}content-length: ${body.length}\r\n\r\n`, 'latin1'), body]));
    });
  }

  /** close ends the connection; a POST in flight fails. */
  close(): void {
    if (this.socket) this.fail(this.socket, new Error('the poster was closed'));
  }

  private connect(): net.Socket {
    const socket = this.secure
      ? tls.connect({ host: this.host, port: this.port, servername: net.isIP(this.host) ? undefined : this.host, ...this.opts.tls })
      : net.connect({ host: this.host, port: this.port });
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (err) => this.fail(socket, err));
    socket.on('close', () => {
      const call = this.inFlight;
      if (call?.socket === socket && call.reader.closed()) this.finish(call);
      else this.fail(socket, new Error('the connection closed before the answer'));
    });
    return socket;
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    const call = this.inFlight;
    if (call?.socket !== socket) return this.drop(socket); // bytes nobody asked for: the connection is no use
    let complete: boolean;
    try {
      complete = call.reader.feed(chunk);
    } catch (err) {
      return this.fail(socket, new Error(`a bad answer: ${(err as Error).message}`));
    }
    if (complete) this.finish(call);
  }

  /** finish resolves the call and keeps the connection for the next one when the answer allows. */
  private finish(call: InFlight): void {
    this.inFlight = undefined;
    clearTimeout(call.timer);
    if (call.reader.keepAlive && !call.socket.destroyed) {
      call.socket.unref();
      this.idleSince = Date.now();
    } else this.drop(call.socket);
    call.resolve(call.reader.status);
  }

  /** fail rejects the call on socket (if any) and drops the connection. */
  private fail(socket: net.Socket, err: Error): void {
    const call = this.inFlight;
    this.drop(socket);
    if (call?.socket !== socket) return;
    this.inFlight = undefined;
    clearTimeout(call.timer);
    call.reject(err);
  }

  private drop(socket: net.Socket): void {
    if (this.socket === socket) this.socket = undefined;
    socket.destroy();
  }
}
