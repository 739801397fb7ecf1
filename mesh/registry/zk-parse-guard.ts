/**
 * guardZkParser: node-zookeeper-client throws from its socket 'data' handler when it cannot
 * parse a reply — seen after ZooKeeper restarts ("Unknown code: 980221959", a desynchronised
 * stream) — and an exception there kills the whole process (a gateway died that way in a
 * chaos run). Treat it as what it is, a broken connection: drop the buffered bytes and the
 * socket; the library then reconnects and our session logic takes over as for any outage.
 *
 * It patches a private method (ConnectionManager.prototype.onSocketData), so package.json pins
 * node-zookeeper-client exactly and zk-parse-guard.spec.ts fails when the pinned version lacks it.
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

/** connectionManagerPrototype is the library's private ConnectionManager prototype, the one we patch. */
export function connectionManagerPrototype(): { onSocketData?: unknown } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node-zookeeper-client/lib/ConnectionManager.js') as { prototype: { onSocketData?: unknown } }).prototype;
}

/** guardZkParser patches the library once per process; it throws if the library no longer has the method. */
export function guardZkParser(onError?: (err: unknown) => void): void {
  if (guarded) return;
  const proto = connectionManagerPrototype();
  if (typeof proto.onSocketData !== 'function')
    throw new Error('node-zookeeper-client: ConnectionManager.prototype.onSocketData is gone; zk-parse-guard.ts patches it (pin the version package.json names)');
  proto.onSocketData = guardOnSocketData(proto.onSocketData as OnSocketData, onError);
  guarded = true;
}
