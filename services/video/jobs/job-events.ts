/**
 * Job events: the event log is the truth, a Job is its fold. Events are stored as the
 * binary JobEvent encoding; a stored event's sequence is its position in the log (set
 * when read back, since ZooKeeper assigns the order when the znode is created).
 */
import type { ObjectRef } from '../../../generated/mediamesh/common/v1/common';
import { JobEvent, JobState, type Job, type JobSpec } from '../../../generated/mediamesh/video/v1/video';

export type JobEventBody = NonNullable<JobEvent['event']>;

/** newEvent stamps an event body with the current time (sequence is assigned on read). */
export function newEvent(event: JobEventBody, now = Date.now()): JobEvent {
  return { sequence: 0, time: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 }, event };
}

/** submitted opens a job's log; traceContext (W3C carrier) lets the worker's spans join the submitter's trace. */
export const submitted = (spec: JobSpec, traceContext: Record<string, string> = {}): JobEventBody => ({ $case: 'submitted', value: { spec, traceContext } });
/** submittedTraceContext finds the carrier stored with the Submitted event. */
export const submittedTraceContext = (events: readonly JobEvent[]): Record<string, string> | undefined => {
  const first = events.find((e) => e.event?.$case === 'submitted');
  return first?.event?.$case === 'submitted' ? first.event.value.traceContext : undefined;
};
export const started = (worker: string, attempt: number): JobEventBody => ({ $case: 'started', value: { worker, attempt } });
export const progressed = (percent: number): JobEventBody => ({ $case: 'progress', value: { percent } });
export const completed = (outputs: ObjectRef[]): JobEventBody => ({ $case: 'completed', value: { outputs } });
export const failed = (reason: string): JobEventBody => ({ $case: 'failed', value: { reason } });

/** encodeEvent is the znode payload of an event. */
export const encodeEvent = (e: JobEvent): Buffer => Buffer.from(JobEvent.encode(e).finish());

/** decodeEvent reads a znode payload back, with its position in the log. */
export const decodeEvent = (data: Buffer, sequence: number): JobEvent => ({ ...JobEvent.decode(data), sequence });

/** isTerminal tells Completed and Failed, after which nothing is appended. */
export const isTerminal = (e: JobEvent | JobEventBody | undefined): boolean => {
  const c = e && ('$case' in e ? e.$case : e.event?.$case);
  return c === 'completed' || c === 'failed';
};

/** emptyJob is the state before any event. */
export function emptyJob(id: string): Job {
  return { id, state: JobState.JOB_STATE_UNSPECIFIED, spec: undefined, percent: 0, worker: '', attempts: 0, outputs: [], error: '' };
}

/**
 * applyEvent folds one event into a job. The first terminal event wins: anything after it
 * (a late append from a fenced-off worker that raced its check) changes nothing.
 */
export function applyEvent(job: Job, e: JobEvent): Job {
  if (job.state === JobState.JOB_STATE_COMPLETED || job.state === JobState.JOB_STATE_FAILED) return job;
  const ev = e.event;
  switch (ev?.$case) {
    case 'submitted':
      return { ...job, state: JobState.JOB_STATE_SUBMITTED, spec: ev.value.spec };
    case 'started':
      return { ...job, state: JobState.JOB_STATE_RUNNING, worker: ev.value.worker, attempts: Math.max(job.attempts + 1, ev.value.attempt), percent: 0 };
    case 'progress':
      return { ...job, percent: Math.max(0, Math.min(100, ev.value.percent)) };
    case 'completed':
      return { ...job, state: JobState.JOB_STATE_COMPLETED, percent: 100, outputs: ev.value.outputs };
    case 'failed':
      return { ...job, state: JobState.JOB_STATE_FAILED, error: ev.value.reason };
    default:
      return job;
  }
}

/** foldJob is a job's state from its whole log. */
export const foldJob = (id: string, events: readonly JobEvent[]): Job => events.reduce(applyEvent, emptyJob(id));

/** jobStatusJson is the notification body (and a readable summary): Qiniu-like code plus our fields. */
export function jobStatusJson(job: Job): Record<string, unknown> {
  const code = job.state === JobState.JOB_STATE_COMPLETED ? 0 : job.state === JobState.JOB_STATE_FAILED ? 3 : job.state === JobState.JOB_STATE_RUNNING ? 2 : 1;
  return {
    id: job.id,
    code,
    state: JobState[job.state],
    desc: job.state === JobState.JOB_STATE_COMPLETED ? 'The fop was completed successfully' : job.error || 'in progress',
    error: job.error,
    attempts: job.attempts,
    worker: job.worker,
    outputs: job.outputs.map((o) => ({ bucket: o.bucket, key: o.key })),
  };
}
