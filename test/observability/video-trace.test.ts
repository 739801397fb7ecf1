/**
 * Video work is traced: a Snapshot (vframe) call with the caller's traceparent yields the video
 * service's server span with the ffmpeg run (video.ffmpeg, op vframe, the seek offset) and the
 * probe (video.probe) as its descendants, read back from a real Jaeger.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { VideoServiceClient } from '../../generated/mediamesh/video/v1/video';
import { startJaeger, type JaegerServer } from '../../launcher/jaeger';
import { waitForTrace } from '../../observability/jaeger-query';
import type { StartedService } from '../../launcher/process';
import { ancestors, describeSpans, newCaller, startTraced, withTraceparent } from './support';

const SNAPSHOT = 'grpc.mediamesh.video.v1.VideoService/Snapshot';

let jaeger: JaegerServer;
let dir: string;
let storage: StartedService;
let video: StartedService;
let mp4: Buffer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-obs-video-'));
  const file = path.join(dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file]);
  mp4 = fs.readFileSync(file);
  jaeger = await startJaeger();
  storage = await startTraced('services/storage/main.ts', jaeger, { env: { MEDIAMESH_HOME: dir } });
  video = await startTraced('services/video/main.ts', jaeger, {
    env: { MEDIAMESH_HOME: dir, MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: storage.address, MEDIAMESH_ZK: '' },
  });
});

afterAll(async () => {
  await video?.stop();
  await storage?.stop();
  await jaeger?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('traces the ffmpeg run of a Snapshot under the video server span', async () => {
  const client = new VideoServiceClient(video.address, grpc.credentials.createInsecure());
  const caller = newCaller();
  try {
    const res = await new Promise<{ contentType: string }>((resolve, reject) =>
      client.snapshot({ source: { kind: { $case: 'inline', value: mp4 } }, vframe: undefined, fop: 'vframe/jpg/offset/1' }, withTraceparent(caller), (err, r) =>
        err ? reject(err) : resolve(r!),
      ),
    );
    expect(res.contentType).toBe('image/jpeg');
  } finally {
    client.close();
  }
  const trace = await waitForTrace(jaeger.uiUrl, caller.traceId, {
    until: (spans) => spans.some((s) => s.name === SNAPSHOT) && spans.some((s) => s.name === 'video.ffmpeg'),
  });
  const dump = describeSpans(trace.spans);
  const server = trace.spans.find((s) => s.name === SNAPSHOT && s.kind === 'SERVER');
  expect(server?.service, dump).toBe('mediamesh-video');
  expect(server?.parentSpanId, dump).toBe(caller.spanId);
  const ffmpeg = trace.spans.find((s) => s.name === 'video.ffmpeg')!;
  expect(ffmpeg.attributes['video.op'], dump).toBe('vframe');
  expect(ancestors(trace.spans, ffmpeg), dump).toContain(server!.spanId);
  expect(ffmpeg.status.code, dump).not.toBe('ERROR');
  for (const probe of trace.spans.filter((s) => s.name === 'video.probe')) expect(ancestors(trace.spans, probe), dump).toContain(server!.spanId);
});
