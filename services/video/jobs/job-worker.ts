/**
 * The job worker of one video instance. It discovers runnable jobs (unfinished, no lease)
 * by watching the jobs and leases folders, with a periodic rescan as a safety net; takes
 * one by creating its ephemeral lease; moves the header on (its fence) and appends
 * Started; runs the work with throttled Progress; appends Completed or Failed under the
 * fence; notifies; releases the lease. When a worker dies its lease vanishes with its
 * session, and another worker's watch fires and takes the job over (attempt + 1).
 */
import { withStoredParent } from '../../../observability';
import type { Logger } from '../../runtime';
import { MeshError } from '../../runtime';
import { isZkError } from '../../../mesh/registry';
import { cancelled, timedOut } from '../errors';
import type { InputDeps } from '../media-input';
import { completed, failed, foldJob, jobStatusJson, progressed, started, submittedTraceContext, type JobEventBody } from './job-events';
import type { Fence, JobStore } from './job-store';
import { runJobWork, type ResolvedWork } from './job-work';
import { notifyJobEnd } from './notify';

export interface JobWorkerOptions {
  readonly store: JobStore;
  readonly deps: InputDeps;
  readonly worker: string;
  readonly concurrency: number;
  readonly rescanMs: number;
  readonly jobTimeoutMs: number;
  readonly log: Logger;
}

/** JobWorker runs jobs; stop() aborts running attempts and releases their leases for others. */
export interface JobWorker {
  start(): void;
  /** poke asks for a scan now (after a submit). */
  poke(): void;
  /** lost aborts every running attempt without recording anything (the session, and so the leases, are gone). */
  lost(): void;
  stop(): Promise<void>;
  running(): string[];
}

/** FENCED marks an attempt stopped because the job moved on without it (cancel, takeover, lost lease). */
const FENCED = 'fenced';

/** createJobWorker builds the worker; nothing happens before start(). */
export function createJobWorker(o: JobWorkerOptions): JobWorker {
  const { store, log } = o;
  const active = new Map<string, { ctl: AbortController; done: Promise<void> }>();
  const finished = new Set<string>();
  const unsubscribe: Array<() => void> = [];
  let stopped = false;
  let scanning: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const scan = (): void => {
    if (stopped) return;
    if (scanning) return void (again = true);
    scanning = scanOnce()
      .catch((err) => log.warn('job scan failed', { err: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        scanning = undefined;
        if (again) {
          again = false;
          scan();
        }
      });
  };

  const scanOnce = async () => {
    for (const id of await store.listIds()) {
      if (stopped || active.size >= o.concurrency) return;
      if (active.has(id) || finished.has(id)) continue;
      const h = await store.header(id);
      if (!h) continue;
      if (h.header.state === 'done') {
        finished.add(id);
        continue;
      }
      if ((await store.hasLease(id)) || !(await store.tryLease(id, o.worker))) continue;
      const ctl = new AbortController();
      const done = runAttempt(id, ctl).finally(() => {
        active.delete(id);
        scan();
      });
      active.set(id, { ctl, done });
    }
  };

  const runAttempt = async (id: string, ctl: AbortController): Promise<void> => {
    const jlog = log.child({ job: id });
    let unwatch = () => {};
    const timeout = setTimeout(() => ctl.abort(timedOut('job', o.jobTimeoutMs, 'MEDIAMESH_VIDEO_JOB_TIMEOUT_MS')), o.jobTimeoutMs);
    try {
      const h = await store.header(id);
      if (!h || h.header.state === 'done') return;
      const events = await store.events(id);
      const job = foldJob(id, events);
      const spec = job.spec;
      const attempt = job.attempts + 1;
      let fence: Fence = await store.setHeader(id, { state: 'running', worker: o.worker, attempt }, h.fence);
      fence = await store.append(id, started(o.worker, attempt), fence);
      jlog.info('job started', { event: 'job-started', attempt, worker: o.worker });
      // Someone else moved the header on (CancelJob, or a takeover after we lost the lease): stop ffmpeg now.
      unwatch = store.watchEvents(id, () => {
        void store.header(id).then((now) => {
          if (!now || now.fence.version !== fence.version) ctl.abort(cancelled(FENCED));
        }, () => undefined);
      });
      let chain: Promise<unknown> = Promise.resolve();
      const appendInOrder = (e: JobEventBody) => (chain = chain.then(() => store.append(id, e, fence)));
      let last = { percent: 0, at: Date.now() };
      const onProgress = (percent: number) => {
        const p = Math.round(percent * 10) / 10;
        if (p <= last.percent || (p - last.percent < 5 && Date.now() - last.at < 2000)) return;
        last = { percent: p, at: Date.now() };
        appendInOrder(progressed(p)).catch(() => undefined);
      };
      try {
        // The work runs in a span parented on the submitting call's stored context: one trace from SubmitJob
        // to the ffmpeg runs, whichever instance (or attempt) does the work.
        const attrs = { 'job.id': id, 'job.attempt': attempt, 'job.worker': o.worker, 'job.work': spec?.work?.$case };
        const outputs = await withStoredParent(
          'video',
          'video.job',
          submittedTraceContext(events),
          attrs,
          () => runJobWork(o.deps, { source: spec!.source!, work: spec!.work as ResolvedWork, output: spec!.output!, signal: ctl.signal, onProgress }),
        );
        await chain.catch(() => undefined);
        fence = await store.append(id, completed(outputs), fence);
        jlog.info('job completed', { event: 'job-completed', outputs: outputs.length, attempt });
      } catch (err) {
        await chain.catch(() => undefined);
        if (ctl.signal.aborted && isFenced(ctl.signal.reason)) {
          jlog.info('job attempt stopped', { event: 'job-stopped', reason: (ctl.signal.reason as MeshError).publicMessage });
          return;
        }
        const reason = MeshError.from(err).publicMessage;
        fence = await store.append(id, failed(reason), fence);
        jlog.warn('job failed', { event: 'job-failed', reason, attempt });
      }
      finished.add(id);
      if (spec?.notifyUrl) {
        const final = foldJob(id, await store.events(id));
        void notifyJobEnd(spec.notifyUrl, jobStatusJson(final), jlog);
      }
    } catch (err) {
      // BAD_VERSION: cancelled or taken over between our reads; anything else: ZooKeeper trouble. Either way another scan decides.
      if (!isZkError(err, 'BAD_VERSION')) jlog.warn('job attempt aborted', { err: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timeout);
      unwatch();
      await store.releaseLease(id).catch(() => undefined);
    }
  };

  return {
    start() {
      unsubscribe.push(store.watchJobs(scan), store.watchLeases(scan));
      timer = setInterval(scan, o.rescanMs);
      timer.unref();
      scan();
    },
    poke: scan,
    lost() {
      for (const { ctl } of active.values()) ctl.abort(cancelled(FENCED));
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      for (const u of unsubscribe) u();
      for (const { ctl } of active.values()) ctl.abort(cancelled(FENCED));
      await Promise.all([...active.values()].map((a) => a.done));
    },
    running: () => [...active.keys()],
  };
}

const isFenced = (reason: unknown) => reason instanceof MeshError && reason.publicMessage === FENCED;
