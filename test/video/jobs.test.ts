/**
 * Event-sourced jobs on a real ZooKeeper with two video instances from dist: an HLS ladder
 * job end to end (events, fold, playlists, segments in storage, notify with retry), cancel,
 * and a worker killed with SIGKILL mid-job whose job another instance takes over.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { JobState, type JobEvent, type VideoServiceClient, type WatchJobResponse } from '../../generated/mediamesh/video/v1/video';
import type { StartedService } from '../../launcher/process';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { BUCKET, makeTestMedia, rpc, rpcError, startStorage, startVideo, videoClient, type Storage, type TestMedia } from './support';

let zk: ZooKeeperServer;
let storage: Storage;
let media: TestMedia;
const workers = new Map<string, { proc: StartedService; client: VideoServiceClient }>();
let notifications: Array<{ body: Record<string, unknown>; answered: number }> = [];
let notifyServer: http.Server;
let notifyUrl = '';

const startWorker = async (id: string) => {
  const proc = await startVideo(storage, {
    MEDIAMESH_ZK: zk.connectString,
    MEDIAMESH_INSTANCE_ID: id,
    MEDIAMESH_VIDEO_ZK_SESSION_TIMEOUT_MS: '2000',
    MEDIAMESH_VIDEO_JOB_RESCAN_MS: '1000',
    MEDIAMESH_DEREGISTER_DELAY_MS: '0',
  });
  workers.set(id, { proc, client: videoClient(proc.address) });
};

beforeAll(async () => {
  [zk, storage, media] = await Promise.all([startZooKeeper(), startStorage(), makeTestMedia()]);
  // 40 s of 640x480: long enough (several seconds of encoding) to kill or cancel a worker mid-job.
  const long = path.join(media.dir, 'long.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=25:duration=40', '-f', 'lavfi', '-i', 'sine=duration=40', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-c:a', 'aac', '-shortest', long]);
  await storage.put('in/short.mp4', fs.readFileSync(media.mp4));
  await storage.put('in/long.mp4', fs.readFileSync(long));
  let hits = 0;
  notifyServer = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hits++;
      // The first delivery fails: the worker must retry.
      const answered = hits === 1 ? 500 : 200;
      notifications.push({ body: JSON.parse(body), answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((r) => notifyServer.listen(0, '127.0.0.1', r));
  notifyUrl = `http://127.0.0.1:${(notifyServer.address() as { port: number }).port}/done`;
  await Promise.all([startWorker('video-a'), startWorker('video-b')]);
});

afterAll(async () => {
  for (const w of workers.values()) {
    w.client.close();
    await w.proc.stop();
  }
  notifyServer?.close();
  await storage?.stop();
  await zk?.stop();
  media?.remove();
});

const anyClient = () => [...workers.values()][0]!.client;

/** watch collects a job's events through WatchJob until the stream ends. */
async function watch(client: VideoServiceClient, id: string, onEvent?: (e: JobEvent) => void): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for await (const m of client.watchJob({ id, fromSequence: 0 }) as AsyncIterable<WatchJobResponse>) {
    events.push(m.event!);
    onEvent?.(m.event!);
  }
  return events;
}

/** checkHlsTree parses the master and every variant playlist and fetches every segment from storage. */
async function checkHlsTree(prefix: string, expectVariants: string[]): Promise<number> {
  const master = (await storage.get(`${prefix}/master.m3u8`)).toString();
  expect(master.startsWith('#EXTM3U\n')).toBe(true);
  const variants = master.split('\n').filter((l) => l && !l.startsWith('#'));
  expect(variants).toEqual(expectVariants.map((v) => `${v}/index.m3u8`));
  expect(master).toMatch(/#EXT-X-STREAM-INF:BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,RESOLUTION=\d+x\d+/);
  let segments = 0;
  for (const v of variants) {
    const playlist = (await storage.get(`${prefix}/${v}`)).toString();
    expect(playlist).toContain('#EXT-X-ENDLIST');
    const uris = playlist.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) {
      expect(uri).not.toMatch(/^\/|:\/\//); // relative, served by the gateway from the same prefix
      const seg = await storage.get(`${prefix}/${path.posix.dirname(v)}/${uri}`);
      expect(seg[0]).toBe(0x47); // MPEG-TS sync byte
      segments++;
    }
  }
  return segments;
}

describe('jobs', () => {
  it('runs an HLS ladder job: ordered events, fold, playlists and segments in storage, notify with retry', async () => {
    const { id } = await rpc(anyClient(), 'submitJob', {
      spec: { source: { bucket: BUCKET, key: 'in/short.mp4' }, work: undefined, output: { bucket: BUCKET, key: 'out/short' }, notifyUrl, fop: 'hls/120,240,480/segtime/1' },
    });
    const events = await watch(anyClient(), id);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i));
    const cases = events.map((e) => e.event!.$case);
    expect(cases[0]).toBe('submitted');
    expect(cases[1]).toBe('started');
    expect(JSON.stringify(events.at(-1)!.event)).toMatch(/"completed"/);
    expect(cases.slice(2, -1).every((c) => c === 'progress')).toBe(true);
    const tail: JobEvent[] = [];
    for await (const m of anyClient().watchJob({ id, fromSequence: 2 }) as AsyncIterable<WatchJobResponse>) tail.push(m.event!);
    expect(tail).toEqual(events.slice(2));
    const { job } = await rpc(anyClient(), 'getJob', { id });
    expect(job).toMatchObject({ id, state: JobState.JOB_STATE_COMPLETED, attempts: 1, percent: 100, error: '' });
    expect(job!.outputs.map((o) => o.key)).toContain('out/short/master.m3u8');
    // 480p is above the 240p source: dropped; the rest stays.
    const segments = await checkHlsTree('out/short', ['120p', '240p']);
    expect(segments).toBeGreaterThanOrEqual(4);
    expect(job!.outputs.length).toBe(segments + 3);
    await expect.poll(() => notifications.filter((n) => n.body.id === id).length, { timeout: 15_000 }).toBe(2);
    const [first, second] = notifications.filter((n) => n.body.id === id);
    expect([first!.answered, second!.answered]).toEqual([500, 200]);
    expect(second!.body).toMatchObject({ id, code: 0, state: 'JOB_STATE_COMPLETED' });
  });

  it('validates specs and names unknown jobs', async () => {
    const bad = await rpcError(anyClient(), 'submitJob', { spec: { source: { bucket: BUCKET, key: '' }, work: undefined, output: undefined, notifyUrl: 'ftp://x', fop: 'vframe/jpg/offset/1' } });
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toContain('source.key: required');
    expect(bad.details).toContain('fop: "vframe" is not job work');
    expect(bad.details).toContain('notify_url: expected an http(s) URL');
    expect((await rpcError(anyClient(), 'getJob', { id: 'j000000000deadbeef' })).code).toBe(status.NOT_FOUND);
  });

  it('cancels a running job: Failed("cancelled"), its ffmpeg killed', async () => {
    const { id } = await rpc(anyClient(), 'submitJob', { spec: { source: { bucket: BUCKET, key: 'in/long.mp4' }, work: undefined, output: { bucket: BUCKET, key: 'out/cancel' }, notifyUrl: '', fop: 'hls/240,480' } });
    let cancelled = false;
    const events = await watch(anyClient(), id, (e) => {
      if (e.event?.$case === 'progress' && !cancelled) {
        cancelled = true;
        void rpc(anyClient(), 'cancelJob', { id });
      }
    });
    expect(events.at(-1)!.event).toEqual({ $case: 'failed', value: { reason: 'cancelled' } });
    expect((await rpc(anyClient(), 'getJob', { id })).job).toMatchObject({ state: JobState.JOB_STATE_FAILED, error: 'cancelled' });
    const ffmpegChildren = () => [...workers.values()].flatMap((w) => childCommands(w.proc.pid)).filter((c) => c.includes('ffmpeg'));
    await expect.poll(ffmpegChildren, { timeout: 10_000 }).toEqual([]);
    await rpc(anyClient(), 'cancelJob', { id }); // idempotent
  });

  it('a worker killed with SIGKILL mid-job: another instance takes the job over and completes it once', async () => {
    const { id } = await rpc(anyClient(), 'submitJob', { spec: { source: { bucket: BUCKET, key: 'in/long.mp4' }, work: undefined, output: { bucket: BUCKET, key: 'out/takeover' }, notifyUrl: '', fop: 'hls/240,480' } });
    let running = await rpc(anyClient(), 'getJob', { id });
    await expect
      .poll(async () => (running = await rpc(anyClient(), 'getJob', { id })).job!.percent, { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(0);
    const victim = running.job!.worker;
    const survivor = [...workers.keys()].find((k) => k !== victim)!;
    await workers.get(victim)!.proc.kill(); // kill -9 of the whole process group, its ffmpeg included
    const events = await watch(workers.get(survivor)!.client, id);
    const starts = events.filter((e) => e.event?.$case === 'started').map((e) => (e.event as { value: { worker: string; attempt: number } }).value);
    expect(starts).toEqual([
      { worker: victim, attempt: 1 },
      { worker: survivor, attempt: 2 },
    ]);
    expect(events.filter((e) => e.event?.$case === 'completed')).toHaveLength(1);
    expect(events.filter((e) => e.event?.$case === 'failed')).toEqual([]);
    const { job } = await rpc(workers.get(survivor)!.client, 'getJob', { id });
    expect(job).toMatchObject({ state: JobState.JOB_STATE_COMPLETED, attempts: 2, worker: survivor });
    expect(await checkHlsTree('out/takeover', ['240p', '480p'])).toBeGreaterThanOrEqual(10);
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM mid-job: the worker gives its lease back, exits 0, another instance resumes the job (no Failed event)', async () => {
    for (const [id, w] of workers) if (w.proc.child.exitCode !== null || w.proc.child.signalCode !== null) workers.delete(id);
    await startWorker('video-c');
    const { id } = await rpc(anyClient(), 'submitJob', { spec: { source: { bucket: BUCKET, key: 'in/long.mp4' }, work: undefined, output: { bucket: BUCKET, key: 'out/handover' }, notifyUrl: '', fop: 'hls/240' } });
    let running = await rpc(anyClient(), 'getJob', { id });
    await expect
      .poll(async () => (running = await rpc(anyClient(), 'getJob', { id })).job!.percent, { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(0);
    const leaving = running.job!.worker;
    const staying = [...workers.keys()].find((k) => k !== leaving)!;
    expect(await workers.get(leaving)!.proc.stop()).toBe(0);
    workers.delete(leaving);
    const events = await watch(workers.get(staying)!.client, id);
    expect(events.filter((e) => e.event?.$case === 'failed')).toEqual([]);
    expect((await rpc(workers.get(staying)!.client, 'getJob', { id })).job).toMatchObject({ state: JobState.JOB_STATE_COMPLETED, attempts: 2, worker: staying });
  });
});

/** childCommands lists the command lines of a process's children. */
function childCommands(pid: number): string[] {
  try {
    return execFileSync('ps', ['--ppid', String(pid), '-o', 'args='], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
