/**
 * A video job's trace links submission and work: SubmitJob (sent with the caller's traceparent)
 * stores the W3C context in the Submitted event; the worker's `video.job` span is parented on it
 * (and links to it), so SubmitJob's server span, the job span and its ffmpeg runs form ONE trace
 * in a real Jaeger, with real ZooKeeper holding the event log.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { JobState, VideoServiceClient } from '../../generated/mediamesh/video/v1/video';
import { startJaeger, type JaegerServer } from '../../launcher/jaeger';
import { waitForTrace } from '../../observability/jaeger-query';
import type { StartedService } from '../../launcher/process';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { ancestors, describeSpans, newCaller, putObject, startTraced, withTraceparent } from './support';

const SUBMIT = 'grpc.mediamesh.video.v1.VideoService/SubmitJob';

let jaeger: JaegerServer;
let zk: ZooKeeperServer;
let dir: string;
let storage: StartedService;
let video: StartedService;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-obs-job-'));
  jaeger = await startJaeger();
  zk = await startZooKeeper();
  storage = await startTraced('services/storage/main.ts', jaeger, { env: { MEDIAMESH_HOME: dir } });
  video = await startTraced('services/video/main.ts', jaeger, {
    env: { MEDIAMESH_HOME: dir, MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: storage.address, MEDIAMESH_ZK: zk.connectString },
  });
});

afterAll(async () => {
  await video?.stop();
  await storage?.stop();
  await zk?.stop();
  await jaeger?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('puts SubmitJob and the worker\'s job and ffmpeg spans in one trace', async () => {
  const file = path.join(dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file]);
  const storageClient = new StorageServiceClient(storage.address, grpc.credentials.createInsecure());
  const client = new VideoServiceClient(video.address, grpc.credentials.createInsecure());
  try {
    await new Promise<void>((resolve, reject) =>
      storageClient.createBucket({ bucket: { name: 'media', visibility: 1 } }, (err) => (err ? reject(err) : resolve())),
    );
    await putObject(storageClient, 'media', 'clip.mp4', fs.readFileSync(file));
    const caller = newCaller();
    const { id } = await new Promise<{ id: string }>((resolve, reject) =>
      client.submitJob(
        { spec: { source: { bucket: 'media', key: 'clip.mp4' }, work: undefined, output: { bucket: 'media', key: 'out/clip' }, notifyUrl: '', fop: 'avthumb/mp4/s/80x60' } },
        withTraceparent(caller),
        (err, r) => (err ? reject(err) : resolve(r!)),
      ),
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = await new Promise<{ state: JobState; error: string }>((resolve, reject) =>
        client.getJob({ id }, (err, r) => (err ? reject(err) : resolve(r!.job as { state: JobState; error: string }))),
      );
      if (job.state === JobState.JOB_STATE_COMPLETED) break;
      expect(job.state, job.error).not.toBe(JobState.JOB_STATE_FAILED);
      if (Date.now() > deadline) throw new Error(`job ${id} did not complete`);
      await new Promise((r) => setTimeout(r, 300));
    }

    const trace = await waitForTrace(jaeger.uiUrl, caller.traceId, {
      until: (spans) => spans.some((s) => s.name === SUBMIT) && spans.some((s) => s.name === 'video.job') && spans.some((s) => s.name === 'video.ffmpeg'),
    });
    const dump = describeSpans(trace.spans);
    const submit = trace.spans.find((s) => s.name === SUBMIT && s.kind === 'SERVER')!;
    expect(submit.parentSpanId, dump).toBe(caller.spanId);
    const job = trace.spans.find((s) => s.name === 'video.job')!;
    expect(job.service, dump).toBe('mediamesh-video');
    expect(job.attributes['job.id'], dump).toBe(id);
    expect(ancestors(trace.spans, job), dump).toContain(submit.spanId);
    const ffmpeg = trace.spans.filter((s) => s.name === 'video.ffmpeg');
    expect(ffmpeg.length, dump).toBeGreaterThan(0);
    for (const f of ffmpeg) expect(ancestors(trace.spans, f), dump).toContain(job.spanId);
  } finally {
    client.close();
    storageClient.close();
  }
});
