/**
 * SubmitJob idempotency keys (services/video/jobs/job-keys.ts) on a real ZooKeeper with two video
 * instances from dist: a repeat with the key answers the first job and runs nothing more, whichever
 * instance gets it (what the mesh's retry of a SubmitJob does); two instances racing with one key
 * make one job; a key reused with another spec is ALREADY_EXISTS naming the key. Then the key's
 * node through the job store: a race of many submissions over two ZooKeeper sessions, the lapse
 * after the TTL and pruning.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import type { JobEvent, SubmitJobRequest, VideoServiceClient, WatchJobResponse } from '../../generated/mediamesh/video/v1/video';
import type { StartedService } from '../../launcher/process';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { createZkSession, type ZkSession } from '../../mesh/registry';
import { submitted } from '../../services/video/jobs/job-events';
import { createJobOnce, keyNodeName, parseKeyRecord, pruneJobKeys, requestFingerprint } from '../../services/video/jobs/job-keys';
import { createJobStore, type JobStore } from '../../services/video/jobs/job-store';
import { BUCKET, makeTestMedia, rpc, rpcError, startStorage, startVideo, videoClient, type Storage, type TestMedia } from './support';

let zk: ZooKeeperServer;
let storage: Storage;
let media: TestMedia;
let session: ZkSession;
/** The video instances' job store (base path /mediamesh), read to count jobs. */
let jobs: JobStore;
const procs: StartedService[] = [];
let a: VideoServiceClient;
let b: VideoServiceClient;

beforeAll(async () => {
  [zk, storage, media] = await Promise.all([startZooKeeper(), startStorage(), makeTestMedia()]);
  await storage.put('in/clip.mp4', fs.readFileSync(media.mp4));
  const env = { MEDIAMESH_ZK: zk.connectString, MEDIAMESH_VIDEO_JOB_RESCAN_MS: '1000', MEDIAMESH_DEREGISTER_DELAY_MS: '0' };
  procs.push(...(await Promise.all(['video-a', 'video-b'].map((id) => startVideo(storage, { ...env, MEDIAMESH_INSTANCE_ID: id })))));
  [a, b] = procs.map((p) => videoClient(p.address)) as [VideoServiceClient, VideoServiceClient];
  session = createZkSession({ connectString: zk.connectString });
  expect(await session.waitConnected(10_000)).toBe(true);
  jobs = createJobStore(session, '/mediamesh');
});

afterAll(async () => {
  a?.close();
  b?.close();
  await Promise.all(procs.map((p) => p.stop()));
  await session?.close();
  await storage?.stop();
  await zk?.stop();
  media?.remove();
});

/** submission is a small job (the clip's audio to m4a) writing to `out`, with a key when given. */
const submission = (out: string, idempotencyKey?: string, fop = 'avthumb/m4a'): SubmitJobRequest => ({
  spec: { source: { bucket: BUCKET, key: 'in/clip.mp4' }, work: undefined, output: { bucket: BUCKET, key: out }, notifyUrl: '', fop },
  idempotencyKey,
});

/** newJobs lists the jobs made since `before` (a listing of the jobs folder). */
const newJobs = async (before: string[]) => (await jobs.listIds()).filter((id) => !before.includes(id));

/** watch collects a job's events until its terminal one. */
async function watch(client: VideoServiceClient, id: string): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for await (const m of client.watchJob({ id, fromSequence: 0 }) as AsyncIterable<WatchJobResponse>) events.push(m.event!);
  return events;
}

describe('SubmitJob with an idempotency key', () => {
  it('the same key again, on the other instance and after the job ended: the same job, run once', async () => {
    const before = await jobs.listIds();
    const req = submission('out/once', `once-${randomUUID()}`);
    const { id } = await rpc(a, 'submitJob', req);
    expect((await rpc(b, 'submitJob', req)).id).toBe(id);
    const events = await watch(b, id);
    expect((await rpc(b, 'submitJob', req)).id).toBe(id);
    expect(await newJobs(before)).toEqual([id]);
    expect(events.map((e) => e.event!.$case).filter((c) => c !== 'progress')).toEqual(['submitted', 'started', 'completed']);
    expect(await storage.keys('out/once')).toEqual(['out/once.m4a']);
  });

  it('two instances racing with one key make one job (each of 6 keys sent to both at once)', async () => {
    const before = await jobs.listIds();
    const keys = Array.from({ length: 6 }, (_, i) => ({ out: `out/race-${i}`, key: `race-${i}-${randomUUID()}` }));
    const answers = await Promise.all(keys.map(({ out, key }) => Promise.all([a, b].map((c) => rpc(c, 'submitJob', submission(out, key))))));
    for (const [x, y] of answers) expect(y!.id).toBe(x!.id);
    expect((await newJobs(before)).sort()).toEqual(answers.map(([x]) => x!.id).sort());
  });

  it('a key reused with another spec is ALREADY_EXISTS naming the key, and makes nothing', async () => {
    const before = await jobs.listIds();
    const key = `reused-${randomUUID()}`;
    const { id } = await rpc(a, 'submitJob', submission('out/reused', key));
    for (const other of [submission('out/reused-elsewhere', key), submission('out/reused', key, 'avthumb/mp3')]) {
      const err = await rpcError(b, 'submitJob', other);
      expect(err.code).toBe(status.ALREADY_EXISTS);
      expect(err.details).toContain(`idempotency key "${key}" was already used for job ${id} with a different job spec`);
    }
    const tooLong = await rpcError(a, 'submitJob', submission('out/reused', 'k'.repeat(256)));
    expect(tooLong.code).toBe(status.INVALID_ARGUMENT);
    expect(tooLong.details).toContain('idempotency_key: at most 255 characters, got 256');
    expect(await newJobs(before)).toEqual([id]);
  });

  it('without a key (or with an empty one) every submission is a job of its own, as before', async () => {
    const before = await jobs.listIds();
    const ids = [(await rpc(a, 'submitJob', submission('out/unkeyed'))).id, (await rpc(a, 'submitJob', submission('out/unkeyed', '')) ).id];
    expect(ids[0]).not.toBe(ids[1]);
    expect((await newJobs(before)).sort()).toEqual([...ids].sort());
  });
});

describe('the key node in ZooKeeper (job store, base path /keys-test: no worker runs these jobs)', () => {
  const first = submitted({ source: { bucket: BUCKET, key: 'in/clip.mp4' }, work: undefined, output: undefined, notifyUrl: '', fop: 'avthumb/m4a' });
  const TTL = 60_000;

  it('20 submissions with one key over two ZooKeeper sessions: one job, every one answers its id', async () => {
    const other = createZkSession({ connectString: zk.connectString });
    try {
      expect(await other.waitConnected(10_000)).toBe(true);
      const stores = [createJobStore(session, '/keys-test'), createJobStore(other, '/keys-test')];
      const sub = { key: `many-${randomUUID()}`, request: 'r1' };
      const before = await stores[0]!.listIds();
      const ids = Array.from({ length: 20 }, (_, i) => stores[i % 2]!.newId());
      const answers = await Promise.all(ids.map((id, i) => createJobOnce(stores[i % 2]!, id, first, sub, TTL)));
      const winners = answers.filter((x) => x.created);
      expect(winners).toHaveLength(1);
      expect(new Set(answers.map((x) => x.id))).toEqual(new Set([winners[0]!.id]));
      expect((await stores[0]!.listIds()).filter((id) => !before.includes(id))).toEqual([winners[0]!.id]);
    } finally {
      await other.close();
    }
  });

  it('a key lapses after the TTL: then it makes a new job (another spec too), and pruning removes lapsed keys only', async () => {
    const store = createJobStore(session, '/keys-test');
    const t0 = Date.now();
    const key = `lapse-${randomUUID()}`;
    const live = `live-${randomUUID()}`;
    const r1 = { key, request: requestFingerprint(submission('x').spec) };
    const one = await createJobOnce(store, store.newId(), first, r1, TTL, t0);
    expect(await createJobOnce(store, store.newId(), first, r1, TTL, t0 + TTL - 1)).toEqual({ id: one.id, created: false });
    const two = await createJobOnce(store, store.newId(), first, { key, request: 'another spec' }, TTL, t0 + TTL);
    expect(two.created).toBe(true);
    expect(two.id).not.toBe(one.id);
    expect(parseKeyRecord((await store.key(keyNodeName(key)))!.data)).toEqual({ key, job: two.id, request: 'another spec', at: t0 + TTL });
    await createJobOnce(store, store.newId(), first, { key: live, request: 'r' }, TTL, t0 + 2 * TTL);
    expect(await pruneJobKeys(store, TTL, t0 + 2 * TTL + 1)).toBeGreaterThanOrEqual(1);
    const names = await store.keyNames();
    expect(names).not.toContain(keyNodeName(key));
    expect(names).toContain(keyNodeName(live));
    // The jobs stay: a key's lapse forgets the key, not the job.
    expect(await store.listIds()).toEqual(expect.arrayContaining([one.id, two.id]));
  });
});
