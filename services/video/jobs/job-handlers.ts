/**
 * The job methods of VideoService: SubmitJob (idempotent with a key: job-keys.ts), GetJob, WatchJob (history, then live
 * events, ending after the terminal one) and CancelJob (appends Failed("cancelled") under
 * the fence; the worker running it sees the header move and kills its ffmpeg).
 */
import { JobState, type VideoServiceServer } from '../../../generated/mediamesh/video/v1/video';
import { isZkError, ZkError } from '../../../mesh/registry';
import { captureTraceContext } from '../../../observability';
import type { Logger } from '../../runtime';
import { streaming, unary, write } from '../../runtime';
import { badJobSpec, jobNotFound, jobStoreUnavailable, jobsNeedZooKeeper } from '../errors';
import { failed, foldJob, isTerminal, jobStatusJson, submitted } from './job-events';
import type { JobStore } from './job-store';
import { checkIdempotencyKey, createJobOnce, requestFingerprint } from './job-keys';
import { resolveJobSpec } from './job-spec';
import { notifyJobEnd } from './notify';

type JobMethods = Pick<VideoServiceServer, 'submitJob' | 'getJob' | 'watchJob' | 'cancelJob'>;

const ID_RE = /^j[0-9a-z]{9}[0-9a-f]{8}$/;

export interface JobHandlerOptions {
  /** Called after a new job was recorded (the worker scans at once). */
  readonly onSubmitted: () => void;
  /** Resolves once the job store's ZooKeeper session is connected (or gives up after a short wait). */
  readonly whenConnected?: () => Promise<unknown>;
  /** How long an idempotency key names its job (MEDIAMESH_VIDEO_JOB_KEY_TTL_MS). */
  readonly keyTtlMs: number;
}

/** createJobHandlers serves the job methods over the store; without a store every method is FAILED_PRECONDITION. */
export function createJobHandlers(store: JobStore | undefined, log: Logger, o: JobHandlerOptions): JobMethods {
  const { onSubmitted, whenConnected = async () => undefined } = o;
  const need = (): JobStore => {
    if (!store) throw jobsNeedZooKeeper();
    return store;
  };
  const known = async (s: JobStore, id: string) => {
    if (!ID_RE.test(id) || !(await s.header(id))) throw jobNotFound(id);
  };
  // A ZooKeeper failure is UNAVAILABLE (retryable), not an internal error.
  const zkSafe = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    try {
      // A session still connecting (a fresh instance, a ZooKeeper failover) is worth a short wait: otherwise the
      // first calls fail fast with UNAVAILABLE although ZooKeeper is up.
      await whenConnected();
      return await fn(...args);
    } catch (err) {
      if (err instanceof ZkError) throw jobStoreUnavailable(err);
      throw err;
    }
  };
  return {
    submitJob: unary(log, 'SubmitJob', zkSafe(async (req) => {
      const s = need();
      const key = req.idempotencyKey ?? '';
      checkIdempotencyKey(key);
      const id = s.newId();
      const resolved = resolveJobSpec(req.spec, id);
      if (!resolved.ok) throw badJobSpec(resolved.errors);
      const first = submitted(resolved.value.spec, captureTraceContext());
      if (!key) {
        await s.create(id, first);
      } else {
        const once = await createJobOnce(s, id, first, { key, request: requestFingerprint(req.spec) }, o.keyTtlMs);
        if (!once.created) {
          // A repeat (the mesh's retry after the first answer was lost, or the caller's): nothing new to run.
          log.info('job submitted again', { event: 'job-resubmitted', job: once.id });
          return { id: once.id };
        }
      }
      log.info('job submitted', { event: 'job-submitted', job: id, work: resolved.value.work.$case, keyed: key !== '' });
      onSubmitted();
      return { id };
    })),

    getJob: unary(log, 'GetJob', zkSafe(async (req) => {
      const s = need();
      await known(s, req.id);
      return { job: foldJob(req.id, await s.events(req.id)) };
    })),

    watchJob: streaming(log, 'WatchJob', zkSafe(async (req, call, signal) => {
      const s = need();
      await known(s, req.id);
      let next = req.fromSequence;
      let wake: (() => void) | undefined;
      const unwatch = s.watchEvents(req.id, () => wake?.());
      const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      aborted.catch(() => undefined);
      try {
        for (let first = true; ; first = false) {
          const changed = new Promise<void>((r) => (wake = r));
          const events = await s.events(req.id, next);
          for (const event of events) {
            await write(call, { event });
            next = event.sequence + 1;
            if (isTerminal(event)) return;
          }
          // Asked to start after the end of a finished log: nothing more will come.
          if (first && events.length === 0 && foldJob(req.id, await s.events(req.id)).state >= JobState.JOB_STATE_COMPLETED) return;
          await Promise.race([changed, aborted]);
        }
      } finally {
        unwatch();
      }
    })),

    cancelJob: unary(log, 'CancelJob', zkSafe(async (req) => {
      const s = need();
      await known(s, req.id);
      for (;;) {
        const h = await s.header(req.id);
        if (!h || h.header.state === 'done') return {};
        try {
          await s.append(req.id, failed('cancelled'), h.fence);
        } catch (err) {
          if (isZkError(err, 'BAD_VERSION')) continue; // the header moved (a start or a takeover): read again
          throw err;
        }
        const job = foldJob(req.id, await s.events(req.id));
        log.info('job cancelled', { event: 'job-cancelled', job: req.id });
        if (job.spec?.notifyUrl) void notifyJobEnd(job.spec.notifyUrl, jobStatusJson(job), log);
        return {};
      }
    })),
  };
}
