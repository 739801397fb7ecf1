/**
 * createJobSystem wires the job side of the video service: the ZooKeeper session (its own,
 * with the video service's session timeout, which bounds how long a dead worker's jobs
 * wait), the store, the worker and the gRPC methods. Without MEDIAMESH_ZK there is no
 * job system and the job methods answer FAILED_PRECONDITION.
 */
import { createZkSession, type ZkSession } from '../../../mesh/registry';
import type { Logger } from '../../runtime';
import { createJobHandlers } from './job-handlers';
import { pruneJobKeys } from './job-keys';
import { createJobStore } from './job-store';
import { createJobWorker, type JobWorker } from './job-worker';
import type { InputDeps } from '../media-input';

export interface JobSystemOptions {
  readonly zk: string;
  readonly basePath: string;
  readonly sessionTimeoutMs: number;
  readonly worker: string;
  readonly concurrency: number;
  readonly rescanMs: number;
  readonly jobTimeoutMs: number;
  /** How long an idempotency key names its job (job-keys.ts). */
  readonly keyTtlMs: number;
  readonly deps: InputDeps;
  readonly log: Logger;
}

/** JobSystem is the running job side: handlers for the server, stop() for shutdown. */
export interface JobSystem {
  readonly handlers: ReturnType<typeof createJobHandlers>;
  /** stop aborts running attempts (their leases go, other instances resume them) and closes the session. */
  stop(): Promise<void>;
}

/** CONNECT_WAIT_MS: how long a job call waits for a ZooKeeper session that is still connecting before UNAVAILABLE. */
const CONNECT_WAIT_MS = 3000;

/** KEY_PRUNE_MAX_MS: the longest wait between two prunings of lapsed idempotency keys. */
const KEY_PRUNE_MAX_MS = 3_600_000;

/** createJobSystem starts the worker at once; submit/get/watch/cancel work as soon as ZooKeeper answers. */
export function createJobSystem(o: JobSystemOptions | undefined, log: Logger): JobSystem {
  if (!o) return { handlers: createJobHandlers(undefined, log, { onSubmitted: () => {}, keyTtlMs: 0 }), stop: async () => {} };
  const zk: ZkSession = createZkSession({ connectString: o.zk, sessionTimeoutMs: o.sessionTimeoutMs, log: o.log.child({ component: 'jobs-zk' }) });
  const store = createJobStore(zk, o.basePath);
  const worker: JobWorker = createJobWorker({ store, deps: o.deps, worker: o.worker, concurrency: o.concurrency, rescanMs: o.rescanMs, jobTimeoutMs: o.jobTimeoutMs, log: o.log });
  const offState = zk.onState((state) => {
    // An expired session took our leases with it: stop quietly, the rescan (ours or another's) resumes the jobs.
    if (state === 'expired') worker.lost();
    if (state === 'connected') worker.poke();
  });
  worker.start();
  // Lapsed keys name nothing any more (job-keys.ts): their nodes go once per TTL (at most hourly), from every instance, harmlessly.
  const pruning = setInterval(
    () => void pruneJobKeys(store, o.keyTtlMs).catch((err) => o.log.warn('pruning idempotency keys failed', { err: err instanceof Error ? err.message : String(err) })),
    Math.min(o.keyTtlMs, KEY_PRUNE_MAX_MS),
  );
  pruning.unref();
  let stopping: Promise<void> | undefined;
  return {
    handlers: createJobHandlers(store, log, { onSubmitted: () => worker.poke(), whenConnected: () => zk.waitConnected(CONNECT_WAIT_MS), keyTtlMs: o.keyTtlMs }),
    // Called on the shutdown signal and again by the service cleanup: once is enough.
    stop: () =>
      (stopping ??= (async () => {
        offState();
        clearInterval(pruning);
        await worker.stop();
        await zk.close();
      })()),
  };
}
