/**
 * The job store in ZooKeeper (layout under the base path, default /mediamesh):
 *   jobs/<id>          persistent; data = JSON JobHeader {state, worker, attempt}; its version
 *                      is the fencing token of the current run
 *   jobs/<id>/e-<seq>  persistent sequential; one binary JobEvent each, in log order
 *   leases/<id>        ephemeral; held by the worker running the job (gone when it dies)
 *   job-keys/<hash>    persistent; one SubmitJob idempotency key and the job it names (job-keys.ts),
 *                      created in the same multi-op as the job it names
 * Every append is a multi-op [check or setData on jobs/<id> at the version the writer
 * knows, create event]: a worker whose job was taken over or cancelled (the header moved
 * on) cannot append anything, so no job completes twice.
 */
import { randomBytes } from 'node:crypto';
import type { JobEvent } from '../../../generated/mediamesh/video/v1/video';
import { isZkError, type ZkOp, type ZkSession } from '../../../mesh/registry';
import { decodeEvent, encodeEvent, isTerminal, newEvent, type JobEventBody } from './job-events';

/** JobHeader is the small summary kept on the job znode (scanning reads only this). */
export interface JobHeader {
  readonly state: 'submitted' | 'running' | 'done';
  readonly worker?: string;
  readonly attempt?: number;
}

/** Fence is what a writer knows of the header: appends succeed only while it is current. */
export interface Fence {
  readonly version: number;
}

/** KeyClaim is an idempotency key's node to write with a new job (job-keys.ts). */
export interface KeyClaim {
  readonly name: string;
  readonly data: Buffer;
  /** The version of a lapsed node of the same key, replaced in the same multi-op (BAD_VERSION if it moved on). */
  readonly replaces?: number;
}

/** JobStore is the event log of every job. */
export interface JobStore {
  newId(): string;
  /** create writes the job with its Submitted event atomically, and the key's node with them (NODE_EXISTS when the key's node exists). */
  create(id: string, first: JobEventBody, key?: KeyClaim): Promise<void>;
  /** key reads an idempotency key's node; undefined = none. */
  key(name: string): Promise<{ data: Buffer; version: number } | undefined>;
  /** keyNames lists every idempotency key's node. */
  keyNames(): Promise<string[]>;
  /** removeKey removes a key's node if it is still at this version (rejects with BAD_VERSION otherwise). */
  removeKey(name: string, version: number): Promise<void>;
  /** header reads a job's header and its version; undefined = no such job. */
  header(id: string): Promise<{ header: JobHeader; fence: Fence } | undefined>;
  /** setHeader moves the header on (fenced); resolves with the new fence. */
  setHeader(id: string, header: JobHeader, fence: Fence): Promise<Fence>;
  /** append adds an event while fence is current (rejects with ZkError BAD_VERSION otherwise); a terminal event marks the job done. */
  append(id: string, event: JobEventBody, fence: Fence): Promise<Fence>;
  /** events reads the log from position `from`. */
  events(id: string, from?: number): Promise<JobEvent[]>;
  /** listIds lists every job id, oldest first. */
  listIds(): Promise<string[]>;
  /** tryLease creates the ephemeral lease; false when another worker holds it. */
  tryLease(id: string, worker: string): Promise<boolean>;
  releaseLease(id: string): Promise<void>;
  hasLease(id: string): Promise<boolean>;
  /** watchJobs / watchLeases / watchEvents call back on every change of those folders. */
  watchJobs(cb: () => void): () => void;
  watchLeases(cb: () => void): () => void;
  watchEvents(id: string, cb: () => void): () => void;
}

/** createJobStore keeps jobs under <basePath>/jobs and leases under <basePath>/leases. */
export function createJobStore(zk: ZkSession, basePath: string): JobStore {
  const jobsRoot = `${basePath}/jobs`;
  const leasesRoot = `${basePath}/leases`;
  const keysRoot = `${basePath}/job-keys`;
  const keyPath = (name: string) => `${keysRoot}/${name}`;
  const jobPath = (id: string) => `${jobsRoot}/${id}`;
  const leasePath = (id: string) => `${leasesRoot}/${id}`;
  const headerBytes = (h: JobHeader) => Buffer.from(JSON.stringify(h));
  let rootsReady: Promise<void> | undefined;
  const roots = () => (rootsReady ??= Promise.all([zk.mkdirp(jobsRoot), zk.mkdirp(leasesRoot), zk.mkdirp(keysRoot)]).then(() => undefined).catch((err) => ((rootsReady = undefined), Promise.reject(err))));

  return {
    // Time-ordered ids, so a plain sort of the jobs folder is submission order.
    newId: () => `j${Date.now().toString(36).padStart(9, '0')}${randomBytes(4).toString('hex')}`,
    async create(id, first, key) {
      await roots();
      const claim: ZkOp[] = !key
        ? []
        : key.replaces === undefined
          ? [{ op: 'create', path: keyPath(key.name), data: key.data }]
          : [{ op: 'remove', path: keyPath(key.name), version: key.replaces }, { op: 'create', path: keyPath(key.name), data: key.data }];
      await zk.multi([
        ...claim,
        { op: 'create', path: jobPath(id), data: headerBytes({ state: 'submitted' }) },
        { op: 'create', path: `${jobPath(id)}/e-`, data: encodeEvent(newEvent(first)), mode: 'persistent_sequential' },
      ]);
    },
    key: (name) => zk.getData(keyPath(name)),
    keyNames: async () => (await zk.getChildren(keysRoot)).sort(),
    removeKey: (name, version) => zk.remove(keyPath(name), version),
    async header(id) {
      const node = await zk.getData(jobPath(id));
      if (!node) return undefined;
      let header: JobHeader;
      try {
        header = JSON.parse(node.data.toString()) as JobHeader;
      } catch {
        header = { state: 'submitted' };
      }
      return { header, fence: { version: node.version } };
    },
    async setHeader(id, header, fence) {
      await zk.setData(jobPath(id), headerBytes(header), fence.version);
      return { version: fence.version + 1 };
    },
    async append(id, event, fence) {
      const create = { op: 'create' as const, path: `${jobPath(id)}/e-`, data: encodeEvent(newEvent(event)), mode: 'persistent_sequential' as const };
      if (isTerminal(event)) {
        await zk.multi([{ op: 'setData', path: jobPath(id), data: headerBytes({ state: 'done' }), version: fence.version }, create]);
        return { version: fence.version + 1 };
      }
      await zk.multi([{ op: 'check', path: jobPath(id), version: fence.version }, create]);
      return fence;
    },
    async events(id, from = 0) {
      const names = (await zk.getChildren(jobPath(id))).filter((n) => n.startsWith('e-')).sort();
      const out: JobEvent[] = [];
      for (let i = from; i < names.length; i++) {
        const node = await zk.getData(`${jobPath(id)}/${names[i]}`);
        if (node) out.push(decodeEvent(node.data, i));
      }
      return out;
    },
    async listIds() {
      await roots();
      return (await zk.getChildren(jobsRoot)).sort();
    },
    async tryLease(id, worker) {
      await roots();
      try {
        await zk.create(leasePath(id), Buffer.from(JSON.stringify({ worker, at: new Date().toISOString() })), 'ephemeral');
        return true;
      } catch (err) {
        if (isZkError(err, 'NODE_EXISTS')) return false;
        throw err;
      }
    },
    releaseLease: (id) => zk.remove(leasePath(id)),
    hasLease: (id) => zk.exists(leasePath(id)),
    watchJobs: (cb) => zk.watchChildren(jobsRoot, () => cb()),
    watchLeases: (cb) => zk.watchChildren(leasesRoot, () => cb()),
    watchEvents: (id, cb) => zk.watchChildren(jobPath(id), () => cb()),
  };
}
