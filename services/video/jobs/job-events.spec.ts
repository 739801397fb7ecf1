import { describe, expect, it } from 'vitest';
import { JobState } from '../../../generated/mediamesh/video/v1/video';
import { completed, decodeEvent, encodeEvent, failed, foldJob, newEvent, progressed, started, submitted } from './job-events';

const spec = { source: { bucket: 'b', key: 'in.mp4' }, work: undefined, output: { bucket: 'b', key: 'out/x' }, notifyUrl: '', fop: 'hls' };

describe('job events', () => {
  it('fold: submitted -> running (attempts, worker) -> progress -> completed', () => {
    const log = [submitted(spec), started('video-a', 1), progressed(40), started('video-b', 2), progressed(10), completed([{ bucket: 'b', key: 'out/x/master.m3u8' }])].map((e, i) =>
      decodeEvent(encodeEvent(newEvent(e)), i),
    );
    expect(log.map((e) => e.sequence)).toEqual([0, 1, 2, 3, 4, 5]);
    const job = foldJob('j1', log);
    expect(job).toMatchObject({ id: 'j1', state: JobState.JOB_STATE_COMPLETED, worker: 'video-b', attempts: 2, percent: 100, outputs: [{ bucket: 'b', key: 'out/x/master.m3u8' }] });
    expect(job.spec?.fop).toBe('hls');
    expect(foldJob('j1', log.slice(0, 3))).toMatchObject({ state: JobState.JOB_STATE_RUNNING, percent: 40, attempts: 1 });
  });

  it('the first terminal event wins', () => {
    const log = [submitted(spec), failed('cancelled'), completed([])].map((e, i) => ({ ...newEvent(e), sequence: i }));
    expect(foldJob('j2', log)).toMatchObject({ state: JobState.JOB_STATE_FAILED, error: 'cancelled', outputs: [] });
  });
});
