/**
 * closeLingering: refuse a request whose body is still arriving (an upload over the limit,
 * without the token, …) without cutting the client off mid-send. Closing a socket that has
 * unread bytes in it makes the kernel answer with RST, and a client still writing its body
 * then fails with EPIPE or ECONNRESET, often before it has read the answer. So, as nginx's
 * lingering close does: the answer goes out with `Connection: close` and our FIN, what the
 * client still sends is read and dropped, and the socket closes when the client has
 * finished (its FIN), after LINGER_IDLE_MS without a byte, after LINGER_MS in all, or after
 * LINGER_BYTES, whichever comes first: a client that never stops costs a bounded amount.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Bounds of the linger (nginx: lingering_time 30 s, lingering_timeout 5 s; ours are shorter, and bytes count too). */
export const LINGER = { totalMs: 10_000, idleMs: 2_000, bytes: 16 * 1024 * 1024 };

/**
 * closeLingering marks the response `Connection: close` and makes the close that Node's HTTP
 * server does once the response has finished (socket.destroySoon) a lingering one.
 */
export function closeLingering(req: IncomingMessage, res: ServerResponse, bounds = LINGER): void {
  res.setHeader('connection', 'close');
  const socket = req.socket as Socket & { destroySoon?: () => void };
  if (!socket || socket.destroyed) return;
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    // Our FIN goes out after the answer; reading goes on.
    this.end();
    let dropped = 0;
    const close = () => {
      clearTimeout(total);
      clearTimeout(idle);
      this.destroy();
    };
    const total = setTimeout(close, bounds.totalMs);
    let idle = setTimeout(close, bounds.idleMs);
    // The request's own parser may still consume its body; counting beside it is enough.
    this.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      clearTimeout(idle);
      if (dropped > bounds.bytes) return close();
      idle = setTimeout(close, bounds.idleMs);
    });
    this.once('end', close);
    this.once('close', () => {
      clearTimeout(total);
      clearTimeout(idle);
    });
    this.resume();
  };
}
