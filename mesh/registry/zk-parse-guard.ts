/**
 * guardZkParser: node-zookeeper-client throws from its socket 'data' handler when it cannot
 * parse a reply — seen after ZooKeeper restarts ("Unknown code: 980221959", a desynchronised
 * stream) — and an exception there kills the whole process (a gateway died that way in a
 * chaos run). Treat it as what it is, a broken connection: drop the buffered bytes and the
 * socket; the library then reconnects and our session logic takes over as for any outage.
 */
interface ConnectionManagerLike {
  pendingBuffer?: Buffer | null;
  socket?: { destroy(): void } | null;
}

type OnSocketData = (this: ConnectionManagerLike, buffer: Buffer) => void;

/** guardOnSocketData wraps a ConnectionManager.onSocketData implementation. */
export function guardOnSocketData(original: OnSocketData, onError: (err: unknown) => void = () => undefined): OnSocketData {
  return function (this: ConnectionManagerLike, buffer: Buffer) {
    try {
      original.call(this, buffer);
    } catch (err) {
      this.pendingBuffer = null;
      this.socket?.destroy();
      onError(err);
    }
  };
}

let guarded = false;

/** guardZkParser patches the library once per process. */
export function guardZkParser(onError?: (err: unknown) => void): void {
  if (guarded) return;
  guarded = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cm = require('node-zookeeper-client/lib/ConnectionManager.js') as { prototype: { onSocketData: OnSocketData } };
  cm.prototype.onSocketData = guardOnSocketData(cm.prototype.onSocketData, onError);
}
