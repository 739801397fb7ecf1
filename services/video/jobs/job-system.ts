/**
 * createJobSystem wires the job side of the video service: the ZooKeeper session (its own,
 * with the video service's session timeout, which bounds how long a dead worker's jobs
 * wait), the store, the worker and the gRPC methods. Without MEDIAMESH_ZK there is no
 * job system and the job methods answer FAILED_PRECONDITION.
 */
import { createZkSession, type ZkSession } from '../../../mesh/registry';
import type { Logger } from '../../runtime';
import { createJobHandlers } from './job-handlers';
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

/** createJobSystem starts the worker at once; submit/get/watch/cancel work as soon as ZooKeeper answers. */
export function createJobSystem(o: JobSystemOptions | undefined, log: Logger): JobSystem {
  if (!o) return { handlers: createJobHandlers(undefined, log, () => {}), stop: async () => {} };
  const zk: ZkSession = createZkSession({ connectString: o.zk, sessionTimeoutMs: o.sessionTimeoutMs, log: o.log.child({ component: 'jobs-zk' }) });
  const store = createJobStore(zk, o.basePath);
  const worker: JobWorker = createJobWorker({ store, deps: o.deps, worker: o.worker, concurrency: o.concurrency, rescanMs: o.rescanMs, jobTimeoutMs: o.jobTimeoutMs, log: o.log });
  const offState = zk.onState((state) => {
    // An expired session took our leases with it: stop quietly, the rescan (ours or another's) resumes the jobs.
    if (state === 'expired') worker.lost();
    if (state === 'connected') worker.poke();
  });
  worker.start();
  let stopping: Promise<void> | undefined;
  return {
    handlers: createJobHandlers(store, log, () => worker.poke(), () => zk.waitConnected(CONNECT_WAIT_MS)),
    // Called on the shutdown signal and again by the service cleanup: once is enough.
    stop: () =>
      (stopping ??= (async () => {
        offState();
        await worker.stop();
        await zk.close();
      })()),
  };
}
