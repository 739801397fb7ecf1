import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MeshError, Status } from '../runtime';
import { resolveRange, type StorageBackend } from './backend';
import { createDiskBackend } from './disk-backend';

async function* chunksOf(...parts: (string | Buffer)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function codeOf(p: Promise<unknown>): Promise<Status | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(MeshError);
    return (err as MeshError).code;
  }
}

describe('createDiskBackend', () => {
  let root: string;
  let backend: StorageBackend;

  beforeEach(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'mm-storage-'));
    backend = await createDiskBackend({ root: path.join(root, 'store'), maxObjectBytes: 1000 });
    await backend.createBucket({ name: 'pub', visibility: 'public' });
  });
  afterEach(() => fsp.rm(root, { recursive: true, force: true }));

  it('stores, stats, reads ranges and deletes an object', async () => {
    const meta = await backend.putObject('pub', 'a/b.txt', '', chunksOf('hello ', 'world'));
    expect(meta).toMatchObject({ size: 11, contentType: 'text/plain; charset=utf-8' });
    expect(meta.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(await backend.statObject('pub', 'a/b.txt')).toMatchObject({ size: 11, etag: meta.etag });
    const whole = await backend.openObject('pub', 'a/b.txt');
    expect((await readAll(whole.body)).toString()).toBe('hello world');
    const part = await backend.openObject('pub', 'a/b.txt', { offset: 6, length: 0 });
    expect(part.range).toEqual({ offset: 6, length: 5 });
    expect((await readAll(part.body)).toString()).toBe('world');
    expect(await codeOf(backend.openObject('pub', 'a/b.txt', { offset: 11, length: 1 }))).toBe(Status.OUT_OF_RANGE);
    await backend.deleteObject('pub', 'a/b.txt');
    expect(await codeOf(backend.statObject('pub', 'a/b.txt'))).toBe(Status.NOT_FOUND);
    expect(await codeOf(backend.deleteObject('pub', 'a/b.txt'))).toBe(Status.NOT_FOUND);
    // The emptied folder is pruned, so "a" is free to be a key again.
    await backend.putObject('pub', 'a', 'text/plain', chunksOf('x'));
  });

  it('gives identical bytes identical etags and keeps the given content type', async () => {
    const a = await backend.putObject('pub', 'one.bin', 'application/x-test', chunksOf('same'));
    const b = await backend.putObject('pub', 'two.jpg', '', chunksOf('sa', 'me'));
    expect(a.etag).toBe(b.etag);
    expect(a.contentType).toBe('application/x-test');
    expect(b.contentType).toBe('image/jpeg');
  });

  it('refuses objects over the size limit and leaves no temp file or object behind', async () => {
    expect(await codeOf(backend.putObject('pub', 'big', '', chunksOf(Buffer.alloc(600), Buffer.alloc(600))))).toBe(Status.RESOURCE_EXHAUSTED);
    expect(await codeOf(backend.statObject('pub', 'big'))).toBe(Status.NOT_FOUND);
    expect(await fsp.readdir(path.join(root, 'store', 'pub', 'tmp'))).toEqual([]);
  });

  it('keeps the old object when an upload fails midway', async () => {
    await backend.putObject('pub', 'k', '', chunksOf('old'));
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('new-partial');
      throw new Error('client went away');
    }
    await expect(backend.putObject('pub', 'k', '', failing())).rejects.toThrow('client went away');
    expect((await readAll((await backend.openObject('pub', 'k')).body)).toString()).toBe('old');
  });

  it('refuses hostile keys and writes nothing outside the root', async () => {
    for (const key of ['../escape', 'a/../../escape', '/abs', 'nul\u0000', '..\\escape', 'x'.repeat(2000)]) {
      expect(await codeOf(backend.putObject('pub', key, '', chunksOf('x')))).toBe(Status.INVALID_ARGUMENT);
      expect(await codeOf(backend.openObject('pub', key))).toBe(Status.INVALID_ARGUMENT);
      expect(await codeOf(backend.deleteObject('pub', key))).toBe(Status.INVALID_ARGUMENT);
    }
    expect(await codeOf(backend.putObject('../x', 'k', '', chunksOf('x')))).toBe(Status.INVALID_ARGUMENT);
    expect((await fsp.readdir(root)).sort()).toEqual(['store']);
  });

  it('reports key conflicts between an object and a folder', async () => {
    await backend.putObject('pub', 'dir/file', '', chunksOf('x'));
    expect(await codeOf(backend.putObject('pub', 'dir', '', chunksOf('y')))).toBe(Status.FAILED_PRECONDITION);
    expect(await codeOf(backend.putObject('pub', 'dir/file/deeper', '', chunksOf('y')))).toBe(Status.FAILED_PRECONDITION);
  });

  it('describes bytes placed without a sidecar by hashing them, and trusts only a matching sidecar', async () => {
    const dataDir = path.join(root, 'store', 'pub', 'data');
    await fsp.mkdir(dataDir, { recursive: true });
    await fsp.writeFile(path.join(dataDir, 'hand.png'), 'same');
    const a = await backend.putObject('pub', 'put.bin', '', chunksOf('same'));
    const hand = await backend.statObject('pub', 'hand.png');
    expect(hand).toMatchObject({ size: 4, etag: a.etag, contentType: 'image/png' });
    // A new file under the key (new inode) is never paired with the old sidecar.
    await fsp.rm(path.join(dataDir, 'put.bin'));
    await fsp.writeFile(path.join(dataDir, 'put.bin'), 'diff');
    expect((await backend.statObject('pub', 'put.bin')).etag).not.toBe(a.etag);
  });

  it('lists by prefix in byte order with paging', async () => {
    for (const k of ['p/a', 'p/b/c', 'p-z', 'q', 'p/b/a']) await backend.putObject('pub', k, '', chunksOf(k));
    const all = await backend.listObjects('pub', { prefix: 'p' });
    expect(all.objects.map((o) => o.key)).toEqual(['p-z', 'p/a', 'p/b/a', 'p/b/c']);
    const first = await backend.listObjects('pub', { prefix: 'p/', limit: 2 });
    expect(first.objects.map((o) => o.key)).toEqual(['p/a', 'p/b/a']);
    const second = await backend.listObjects('pub', { prefix: 'p/', limit: 2, marker: first.nextMarker });
    expect(second.objects.map((o) => o.key)).toEqual(['p/b/c']);
    expect(second.nextMarker).toBe('');
    expect(await codeOf(backend.listObjects('pub', { prefix: '../' }))).toBe(Status.INVALID_ARGUMENT);
  });

  it('manages buckets and their visibility', async () => {
    await backend.createBucket({ name: 'secret', visibility: 'private' });
    expect(await backend.createBucket({ name: 'secret', visibility: 'private' })).toEqual({ name: 'secret', visibility: 'private' });
    expect(await codeOf(backend.createBucket({ name: 'secret', visibility: 'public' }))).toBe(Status.ALREADY_EXISTS);
    expect(await backend.listBuckets()).toEqual([
      { name: 'pub', visibility: 'public' },
      { name: 'secret', visibility: 'private' },
    ]);
    expect(await codeOf(backend.putObject('nope', 'k', '', chunksOf('x')))).toBe(Status.NOT_FOUND);
  });
});

describe('resolveRange', () => {
  it('clamps and refuses ranges', () => {
    expect(resolveRange(10)).toEqual({ offset: 0, length: 10 });
    expect(resolveRange(10, { offset: 2, length: 100 })).toEqual({ offset: 2, length: 8 });
    expect(resolveRange(10, { offset: 10, length: 0 })).toBeNull();
    expect(resolveRange(0, { offset: 0, length: 0 })).toEqual({ offset: 0, length: 0 });
  });
});
