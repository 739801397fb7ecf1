/**
 * createZkSession: a ZooKeeper session that survives its own death. node-zookeeper-client
 * reports `expired` only once it reaches the ensemble again (issue #20), and a client whose
 * session expired is dead for good. So the session runs its own timer: disconnected for
 * longer than the negotiated timeout means expired; then it emits 'expired', throws the
 * client away and starts a new one. Watches are re-armed on every new client; owners of
 * ephemeral nodes (the registrations) re-create them on 'connected'.
 * Operations never queue behind a dead connection: while disconnected they reject at once
 * with a ZkError of code DISCONNECTED.
 */
import { createLogger, type Logger } from '../../core/log';
import { closedError, disconnectedError, timeoutError, ZkError } from './errors';
import { CLOSED_STATE, codeName, createModeOf, newRawClient, OPEN_ACL, ZK_CODES, type CreateModeName, type ZkException, type ZkRawClient } from './zk-client';
import { createWatchSet, ownerHex, type ZkNodeData } from './zk-watches';

export type { ZkNodeData };
export type ZkState = 'connected' | 'disconnected' | 'expired';

/** ZkOp is one step of an atomic multi(). */
export type ZkOp =
  | { readonly op: 'create'; readonly path: string; readonly data?: Buffer; readonly mode?: CreateModeName }
  | { readonly op: 'setData'; readonly path: string; readonly data: Buffer; readonly version?: number }
  | { readonly op: 'remove'; readonly path: string; readonly version?: number }
  | { readonly op: 'check'; readonly path: string; readonly version: number };

export interface ZkSessionOptions {
  connectString: string;
  /** Requested session timeout; the server may clamp it (default 15000). */
  sessionTimeoutMs?: number;
  /** Longest wait for one operation's answer (default: the session timeout). */
  opTimeoutMs?: number;
  log?: Logger;
}

/** ZkSession: see the module comment. Every op rejects with a ZkError. */
export interface ZkSession {
  readonly connectString: string;
  create(path: string, data?: Buffer, mode?: CreateModeName): Promise<string>;
  mkdirp(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** undefined = no node. */
  getData(path: string): Promise<ZkNodeData | undefined>;
  /** A version mismatch rejects with err.code === 'BAD_VERSION'. */
  setData(path: string, data: Buffer, version?: number): Promise<void>;
  /** A missing node resolves. */
  remove(path: string, version?: number): Promise<void>;
  /** A missing parent gives []. */
  getChildren(path: string): Promise<string[]>;
  /** Atomic multi-op (all or nothing); rejects with the first failing op's code. */
  multi(ops: readonly ZkOp[]): Promise<void>;
  /** Re-armed after every event and after session recreation; gets the latest value; returns unsubscribe. */
  watchData(path: string, cb: (value: ZkNodeData | undefined) => void): () => void;
  watchChildren(path: string, cb: (children: string[]) => void): () => void;
  /** 'connected' | 'disconnected' | 'expired' (then a new session follows). */
  onState(cb: (state: ZkState) => void): () => void;
  isConnected(): boolean;
  /** Resolves true once connected, false after timeoutMs (or when closed). */
  waitConnected(timeoutMs: number): Promise<boolean>;
  /** Hex id of the current session (compare with ZkNodeData.ephemeralOwner); undefined before the first connection. */
  sessionId(): string | undefined;
  close(): Promise<void>;
}

/** createZkSession connects in the background and returns at once. */
export function createZkSession(opts: ZkSessionOptions): ZkSession {
  const { connectString } = opts;
  const sessionTimeoutMs = opts.sessionTimeoutMs ?? 15_000;
  const opTimeoutMs = opts.opTimeoutMs ?? Math.max(sessionTimeoutMs, 2_000);
  const log = (opts.log ?? createLogger({ component: 'zk-session' })).child({ zk: connectString });
  const listeners = new Set<(s: ZkState) => void>();
  let client!: ZkRawClient;
  let generation = 0;
  let connected = false;
  let hasSession = false;
  let closed = false;
  let expiryTimer: NodeJS.Timeout | undefined;
  const watches = createWatchSet({ current: () => ({ client, generation, connected }), log });

  const emit = (state: ZkState) => {
    for (const l of [...listeners]) {
      try {
        l(state);
      } catch (err) {
        log.error('ZooKeeper state listener failed', { state, err: err instanceof Error ? err.message : String(err) });
      }
    }
  };

  const startClient = () => {
    const gen = ++generation;
    hasSession = false;
    const c = newRawClient(connectString, sessionTimeoutMs);
    client = c;
    c.on('state', (s) => {
      if (gen === generation && !closed) onRawState(s.name);
    });
    c.connect();
    armConnectWatchdog(gen);
  };

  /**
   * armConnectWatchdog replaces a client that never gets a session. The library sets no
   * timeout between the TCP connect and the server's answer, so a socket accepted by a
   * ZooKeeper that is still starting can wait forever; a client without a session has
   * nothing to lose by being replaced.
   */
  const armConnectWatchdog = (gen: number) => {
    const limit = Math.max(sessionTimeoutMs, 2_000);
    const timer = setTimeout(() => {
      if (closed || gen !== generation || hasSession) return;
      log.debug('ZooKeeper: no session yet, starting a fresh client', { afterMs: limit });
      const old = client;
      startClient();
      old.close();
    }, limit);
    timer.unref();
  };

  const expire = (why: string) => {
    clearTimeout(expiryTimer);
    expiryTimer = undefined;
    connected = false;
    log.warn('ZooKeeper session expired: starting a new session', { event: 'zk-expired', why });
    const old = client;
    startClient();
    old.close();
    emit('expired');
  };

  const onRawState = (name: string) => {
    switch (name) {
      case 'SYNC_CONNECTED':
      case 'CONNECTED_READ_ONLY': {
        clearTimeout(expiryTimer);
        expiryTimer = undefined;
        connected = true;
        hasSession = true;
        log.info('ZooKeeper connected', { event: 'zk-connected', session: ownerHex(client.getSessionId()), timeoutMs: client.getSessionTimeout() });
        watches.armAll();
        emit('connected');
        return;
      }
      case 'DISCONNECTED': {
        connected = false;
        log.warn('ZooKeeper disconnected', { event: 'zk-disconnected' });
        // Our own expiry clock: the library would say `expired` only after reconnecting.
        if (hasSession && !expiryTimer) {
          const timeout = client.getSessionTimeout() || sessionTimeoutMs;
          expiryTimer = setTimeout(() => expire(`disconnected for ${timeout} ms`), timeout);
          expiryTimer.unref();
        }
        emit('disconnected');
        return;
      }
      case 'EXPIRED':
        expire('the server reports the session expired');
        return;
      default:
        log.error('ZooKeeper client state', { state: name });
    }
  };

  /** run sends one op on the current client, failing fast when not connected. */
  const run = <T>(op: string, path: string, send: (c: ZkRawClient, done: (err: ZkException | null, value?: T) => void) => void, onError?: (code: number) => { value: T } | undefined) =>
    new Promise<T>((resolve, reject) => {
      if (closed) return reject(closedError(op, path));
      if (!connected) return reject(disconnectedError(op, path, connectString));
      const timer = setTimeout(() => reject(timeoutError(op, path, opTimeoutMs)), opTimeoutMs);
      send(client, (err, value) => {
        clearTimeout(timer);
        if (!err) return resolve(value as T);
        const handled = onError?.(err.code);
        if (handled) return resolve(handled.value);
        reject(new ZkError(codeName(err.code), op, path, undefined, { cause: err }));
      });
    });

  startClient();

  return {
    connectString,
    create: (path, data, mode = 'persistent') => run<string>('create', path, (c, done) => c.create(path, data, OPEN_ACL, createModeOf(mode), done)),
    mkdirp: (path) => run<void>('mkdirp', path, (c, done) => c.mkdirp(path, (err) => done(err))),
    exists: (path) => run<boolean>('exists', path, (c, done) => c.exists(path, undefined, (err, stat) => done(err, !!stat))),
    getData: (path) =>
      run<ZkNodeData | undefined>(
        'getData',
        path,
        (c, done) => c.getData(path, undefined, (err, data, stat) => done(err, err ? undefined : { data: data ?? Buffer.alloc(0), version: stat.version, ephemeralOwner: ownerHex(stat.ephemeralOwner) })),
        (code) => (code === ZK_CODES.NO_NODE ? { value: undefined } : undefined),
      ),
    setData: (path, data, version = -1) => run<void>('setData', path, (c, done) => c.setData(path, data, version, (err) => done(err))),
    remove: (path, version = -1) => run<void>('remove', path, (c, done) => c.remove(path, version, done), (code) => (code === ZK_CODES.NO_NODE ? { value: undefined } : undefined)),
    getChildren: (path) => run<string[]>('getChildren', path, (c, done) => c.getChildren(path, undefined, done), (code) => (code === ZK_CODES.NO_NODE ? { value: [] } : undefined)),
    multi: (ops) =>
      run<void>('multi', ops.map((o) => o.path).join(','), (c, done) => {
        let tx = c.transaction();
        for (const o of ops) {
          if (o.op === 'create') tx = tx.create(o.path, o.data, OPEN_ACL, createModeOf(o.mode ?? 'persistent'));
          else if (o.op === 'setData') tx = tx.setData(o.path, o.data, o.version ?? -1);
          else if (o.op === 'remove') tx = tx.remove(o.path, o.version ?? -1);
          else tx = tx.check(o.path, o.version);
        }
        tx.commit((err) => done(err));
      }),
    watchData: (path, cb) => watches.add('data', path, cb),
    watchChildren: (path, cb) => watches.add('children', path, cb),
    onState(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    isConnected: () => connected,
    waitConnected(timeoutMs) {
      if (connected) return Promise.resolve(true);
      if (closed) return Promise.resolve(false);
      return new Promise((resolve) => {
        const timer = setTimeout(() => finish(false), timeoutMs);
        const off = this.onState((s) => s === 'connected' && finish(true));
        function finish(ok: boolean) {
          clearTimeout(timer);
          off();
          resolve(ok);
        }
      });
    },
    sessionId: () => (hasSession ? ownerHex(client.getSessionId()) : undefined),
    async close() {
      if (closed) return;
      closed = true;
      connected = false;
      clearTimeout(expiryTimer);
      watches.clear();
      listeners.clear();
      client.close();
      // A clean close deletes our ephemeral nodes at once: wait (briefly) until the close request went out.
      const deadline = Date.now() + 2_000;
      while (client.connectionManager && client.connectionManager.state !== CLOSED_STATE && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
