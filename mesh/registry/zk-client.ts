/**
 * zk-client: the slice of node-zookeeper-client (1.1.3, callbacks only, no bundled types)
 * that the session wrapper uses, typed here so the rest of the registry never touches `any`.
 * @private
 */
import { guardZkParser } from './zk-parse-guard';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const zookeeper = require('node-zookeeper-client') as ZkModule;
// A reply the library cannot parse must drop the connection, not kill the process.
guardZkParser((err) => process.stderr.write(`zookeeper: unparsable reply, reconnecting (${err instanceof Error ? err.message : String(err)})\n`));

/** ZkStat is the part of a znode's Stat the registry reads. */
export interface ZkStat {
  readonly version: number;
  /** 8-byte session id of the owner for ephemeral nodes, all zeros otherwise. */
  readonly ephemeralOwner: Buffer;
}

/** ZkEvent is a one-time watch notification (it carries no data: read again). */
export interface ZkEvent {
  getType(): number;
  getName(): string;
  getPath(): string;
}

/** ZkException is the library's error (code is a negative ZooKeeper error number). */
export interface ZkException extends Error {
  readonly code: number;
  getCode(): number;
}

type Cb<T> = (err: ZkException | null, value: T) => void;

/** ZkTransaction is an atomic multi-op. */
export interface ZkTransaction {
  create(path: string, data: Buffer | undefined, acls: unknown, mode: number): ZkTransaction;
  setData(path: string, data: Buffer, version: number): ZkTransaction;
  check(path: string, version: number): ZkTransaction;
  remove(path: string, version: number): ZkTransaction;
  commit(cb: Cb<unknown>): void;
}

/** ZkRawClient is a node-zookeeper-client Client. */
export interface ZkRawClient {
  connect(): void;
  close(): void;
  on(event: 'state', cb: (state: { name: string; code: number }) => void): void;
  getSessionId(): Buffer;
  getSessionTimeout(): number;
  create(path: string, data: Buffer | undefined, acls: unknown, mode: number, cb: Cb<string>): void;
  mkdirp(path: string, cb: Cb<string>): void;
  exists(path: string, watcher: ((e: ZkEvent) => void) | undefined, cb: Cb<ZkStat | null>): void;
  getData(path: string, watcher: ((e: ZkEvent) => void) | undefined, cb: (err: ZkException | null, data: Buffer | undefined, stat: ZkStat) => void): void;
  setData(path: string, data: Buffer, version: number, cb: Cb<ZkStat>): void;
  remove(path: string, version: number, cb: (err: ZkException | null) => void): void;
  getChildren(path: string, watcher: ((e: ZkEvent) => void) | undefined, cb: Cb<string[]>): void;
  transaction(): ZkTransaction;
  /** Internal state of the library's connection manager (-2 = CLOSED): close() waits for it. */
  readonly connectionManager?: { readonly state: number };
}

/** CLOSED_STATE is the connection manager's final state after close(). */
export const CLOSED_STATE = -2;

interface ZkModule {
  createClient(connectString: string, opts: { sessionTimeout: number; spinDelay: number; retries: number }): ZkRawClient;
  CreateMode: Record<'PERSISTENT' | 'EPHEMERAL' | 'PERSISTENT_SEQUENTIAL' | 'EPHEMERAL_SEQUENTIAL', number>;
  ACL: { OPEN_ACL_UNSAFE: unknown };
  Exception: Record<string, number>;
}

export type CreateModeName = 'persistent' | 'ephemeral' | 'persistent_sequential' | 'ephemeral_sequential';

/** createModeOf maps our mode names to the library's numbers. */
export function createModeOf(mode: CreateModeName): number {
  return zookeeper.CreateMode[mode.toUpperCase() as keyof ZkModule['CreateMode']];
}

export const OPEN_ACL = zookeeper.ACL.OPEN_ACL_UNSAFE;

/** ZK_CODES are the ZooKeeper error numbers the registry reacts to. */
export const ZK_CODES = {
  CONNECTION_LOSS: zookeeper.Exception.CONNECTION_LOSS,
  NO_NODE: zookeeper.Exception.NO_NODE,
  NODE_EXISTS: zookeeper.Exception.NODE_EXISTS,
  BAD_VERSION: zookeeper.Exception.BAD_VERSION,
  NOT_EMPTY: zookeeper.Exception.NOT_EMPTY,
  SESSION_EXPIRED: zookeeper.Exception.SESSION_EXPIRED,
} as const;

/** codeName turns a ZooKeeper error number into its name (BAD_VERSION, NO_NODE, ...). */
export function codeName(code: number): string {
  return Object.entries(zookeeper.Exception).find(([, v]) => v === code)?.[0] ?? `ZK_${code}`;
}

/**
 * newRawClient makes a library client. spinDelay is short because the session wrapper,
 * not the library, decides when a session is lost; retries stay 0 so an operation
 * fails instead of queueing behind a dead connection.
 */
export function newRawClient(connectString: string, sessionTimeoutMs: number): ZkRawClient {
  return zookeeper.createClient(connectString, { sessionTimeout: sessionTimeoutMs, spinDelay: 200, retries: 0 });
}
