/**
 * The storage service over gRPC as a real process: streamed put and get (ranges,
 * OUT_OF_RANGE), stat with visibility, list paging, delete, the size limit, a cancelled
 * upload that must not replace the old object, and hostile keys.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BucketVisibility, StorageServiceClient, type GetObjectResponse, type ListBucketsResponse, type ListObjectsResponse, type PutObjectResponse, type StatObjectResponse } from '../../generated/mediamesh/storage/v1/storage';
import { createMeshClient } from '../../mesh/client';
import { startService, type StartedService } from '../../launcher/process';

describe('storage service (gRPC, real process)', () => {
  let home: string;
  let storage: StartedService;
  let client: StorageServiceClient;

  type Cb = (err: grpc.ServiceError | null, res: never) => void;
  const unary = <Res>(method: 'statObject' | 'listObjects' | 'deleteObject' | 'createBucket' | 'listBuckets', req: object) =>
    new Promise<Res>((resolve, reject) =>
      (client[method] as unknown as (r: object, cb: Cb) => void).call(client, req, (err, res) => (err ? reject(err) : resolve(res))),
    );

  const put = (bucket: string, key: string, chunks: Buffer[], contentType = '') =>
    new Promise<PutObjectResponse>((resolve, reject) => {
      const call = client.putObject((err, res) => (err ? reject(err) : resolve(res)));
      call.write({ part: { $case: 'header', value: { bucket, key, contentType } } });
      for (const c of chunks) call.write({ part: { $case: 'chunk', value: c } });
      call.end();
    });

  const get = (bucket: string, key: string, range?: { offset: number; length: number }) =>
    new Promise<{ head: GetObjectResponse; data: Buffer }>((resolve, reject) => {
      const msgs: GetObjectResponse[] = [];
      const call = client.getObject({ bucket, key, range });
      call.on('data', (m: GetObjectResponse) => msgs.push(m));
      call.on('error', reject);
      call.on('end', () =>
        resolve({ head: msgs[0], data: Buffer.concat(msgs.slice(1).map((m) => (m.part?.$case === 'chunk' ? m.part.value : Buffer.alloc(0)))) }),
      );
    });

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-storage-'));
    storage = await startService('services/storage/main.ts', { env: { MEDIAMESH_HOME: home, MEDIAMESH_STORAGE_MAX_OBJECT_BYTES: '2m' } });
    client = createMeshClient(StorageServiceClient, 'storage', { mode: 'direct', env: { MEDIAMESH_DIRECT_STORAGE: storage.address } });
    await unary('createBucket', { bucket: { name: 'media', visibility: BucketVisibility.BUCKET_VISIBILITY_PUBLIC } });
    await unary('createBucket', { bucket: { name: 'vault', visibility: BucketVisibility.BUCKET_VISIBILITY_PRIVATE } });
  });
  afterAll(async () => {
    client?.close();
    if (storage) expect(await storage.stop()).toBe(0);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('streams objects in and out, with ranges', async () => {
    const parts = [Buffer.alloc(70_000, 1), Buffer.alloc(70_000, 2), Buffer.from('tail')];
    const whole = Buffer.concat(parts);
    const res = await put('media', 'v/clip.mp4', parts);
    expect(res.info).toMatchObject({ bucket: 'media', key: 'v/clip.mp4', size: whole.length, contentType: 'video/mp4' });
    expect(fs.existsSync(path.join(home, 'storage', 'media', 'data', 'v', 'clip.mp4'))).toBe(true);

    const all = await get('media', 'v/clip.mp4');
    expect(all.data.equals(whole)).toBe(true);
    expect(all.head.part?.$case).toBe('head');
    const part = await get('media', 'v/clip.mp4', { offset: 69_998, length: 4 });
    expect(part.data.equals(whole.subarray(69_998, 70_002))).toBe(true);
    await expect(get('media', 'v/clip.mp4', { offset: whole.length, length: 0 })).rejects.toMatchObject({ code: grpc.status.OUT_OF_RANGE });

    const stat = await unary<StatObjectResponse>('statObject', { bucket: 'media', key: 'v/clip.mp4' });
    expect(stat.visibility).toBe(BucketVisibility.BUCKET_VISIBILITY_PUBLIC);
    expect(stat.info?.etag).toBe(res.info?.etag);
  });

  it('lists, deletes and reports missing things as NOT_FOUND', async () => {
    for (const k of ['l/a', 'l/b', 'l/c']) await put('vault', k, [Buffer.from(k)]);
    const first = await unary<ListObjectsResponse>('listObjects', { bucket: 'vault', prefix: 'l/', limit: 2, marker: '' });
    expect(first.objects.map((o) => o.key)).toEqual(['l/a', 'l/b']);
    const second = await unary<ListObjectsResponse>('listObjects', { bucket: 'vault', prefix: 'l/', limit: 2, marker: first.nextMarker });
    expect(second.objects.map((o) => o.key)).toEqual(['l/c']);
    await unary('deleteObject', { bucket: 'vault', key: 'l/a' });
    await expect(unary('deleteObject', { bucket: 'vault', key: 'l/a' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    await expect(unary('statObject', { bucket: 'nobucket', key: 'x' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    const buckets = await unary<ListBucketsResponse>('listBuckets', {});
    expect(buckets.buckets.map((b) => b.name)).toEqual(['media', 'vault']);
  });

  it('refuses oversize objects with RESOURCE_EXHAUSTED and hostile keys with INVALID_ARGUMENT', async () => {
    await expect(put('media', 'huge.bin', Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024)))).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    for (const key of ['../x', 'a/../../x', '/abs', 'nul\u0000', '..\\x', 'k'.repeat(1025)]) {
      await expect(put('media', key, [Buffer.from('x')])).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      await expect(get('media', key)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    }
    const files = fs.readdirSync(home);
    expect(files).toEqual(['storage']);
  });

  it('keeps the old object when an upload is cancelled midway', async () => {
    await put('media', 'keep.txt', [Buffer.from('original')]);
    await new Promise<void>((resolve) => {
      const call = client.putObject(() => resolve());
      call.write({ part: { $case: 'header', value: { bucket: 'media', key: 'keep.txt', contentType: '' } } });
      call.write({ part: { $case: 'chunk', value: Buffer.from('partial-new-bytes') } });
      setTimeout(() => call.cancel(), 200);
    });
    await new Promise((r) => setTimeout(r, 200));
    expect((await get('media', 'keep.txt')).data.toString()).toBe('original');
    expect(fs.readdirSync(path.join(home, 'storage', 'media', 'tmp'))).toEqual([]);
  });
});
