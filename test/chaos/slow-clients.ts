/**
 * Slow and oversized clients over raw sockets: headers or a body trickled a few bytes
 * at a time (slowloris / slow POST), and header blocks larger than the gateway allows.
 * Each resolves with how the server ended the exchange.
 */
import * as net from 'node:net';

/** SlowOutcome: the status line the server sent (if any) and when it closed the socket. */
export interface SlowOutcome {
  readonly status?: number;
  readonly closedAfterMs: number;
  /** The client gave up first (the server never closed). */
  readonly gaveUp: boolean;
}

/**
 * trickle sends `head` at once, then `drip` one chunk every `everyMs` for up to `maxMs`,
 * and reports when the server answered or closed the connection.
 */
export function trickle(port: number, head: string, drip: string, everyMs: number, maxMs: number): Promise<SlowOutcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let done = false;
    const finish = (gaveUp: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(limit);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      resolve({ status: m ? Number(m[1]) : undefined, closedAfterMs: Date.now() - started, gaveUp });
    };
    socket.on('connect', () => socket.write(head));
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('close', () => finish(false));
    socket.on('error', () => finish(false));
    const timer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(drip);
    }, everyMs);
    const limit = setTimeout(() => finish(true), maxMs);
  });
}

/** rawExchange sends bytes as written (send "Connection: close" to end the exchange) and resolves with the status line's code (undefined when closed without one). */
export function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 10_000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = '';
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (d) => (received += d.toString('latin1')));
    const done = () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      resolve(m ? Number(m[1]) : undefined);
    };
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}
