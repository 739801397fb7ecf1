import { PassThrough } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { readObject } from './storage-stream';

const DATA = Buffer.from('0123456789abcdefghij');

/** fakeStorage serves DATA by range; the first `cuts` streams die with `code` after 5 bytes. */
function fakeStorage(cuts: number, code = grpc.status.UNAVAILABLE, etags: string[] = []) {
  const requests: { offset: number; length: number }[] = [];
  const client = {
    getObject(req: { range?: { offset: number; length: number } }) {
      const offset = req.range?.offset ?? 0;
      const length = req.range?.length ?? DATA.length - offset;
      requests.push({ offset, length });
      const call = Object.assign(new PassThrough({ objectMode: true }), { cancel: () => undefined });
      const etag = etags[requests.length - 1] ?? 'e1';
      call.write({ part: { $case: 'head', value: { info: { etag, size: DATA.length }, range: { offset, length } } } });
      const bytes = DATA.subarray(offset, offset + length);
      if (requests.length <= cuts) {
        call.write({ part: { $case: 'chunk', value: bytes.subarray(0, 5) } });
        setImmediate(() => call.destroy(Object.assign(new Error('Connection dropped'), { code, details: 'Connection dropped' })));
      } else {
        call.end({ part: { $case: 'chunk', value: bytes } });
      }
      return call;
    },
  };
  return { client: client as unknown as StorageServiceClient, requests };
}

async function drain(body: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** resetBeforeHead: the first `resets` calls die with `code` before any message (an instance killed mid-call). */
function resetBeforeHead(resets: number, code = grpc.status.UNAVAILABLE) {
  const inner = fakeStorage(0);
  let calls = 0;
  type GetObject = (req: { range?: { offset: number; length: number } }) => PassThrough;
  const client: { getObject: GetObject } = {
    getObject(req) {
      if (++calls > resets) return (inner.client as unknown as { getObject: GetObject }).getObject(req);
      const call = Object.assign(new PassThrough({ objectMode: true }), { cancel: () => undefined });
      setImmediate(() => call.destroy(Object.assign(new Error('read ECONNRESET'), { code, details: 'read ECONNRESET' })));
      return call;
    },
  };
  return { client: client as unknown as StorageServiceClient, calls: () => calls };
}

describe('readObject', () => {
  it('opens again on UNAVAILABLE before the head (a storage instance killed mid-call), not on other codes', async () => {
    const once = resetBeforeHead(1);
    expect((await drain((await readObject(once.client, { bucket: 'b', key: 'k' })).body)).toString()).toBe(DATA.toString());
    expect(once.calls()).toBe(2);
    await expect(readObject(resetBeforeHead(3).client, { bucket: 'b', key: 'k' })).rejects.toThrow(/ECONNRESET/);
    const notFound = resetBeforeHead(1, grpc.status.NOT_FOUND);
    await expect(readObject(notFound.client, { bucket: 'b', key: 'k' })).rejects.toThrow(/ECONNRESET/);
    expect(notFound.calls()).toBe(1);
  });

  it('resumes a download cut by UNAVAILABLE after the head from the next byte', async () => {
    const { client, requests } = fakeStorage(2);
    const { body } = await readObject(client, { bucket: 'b', key: 'k', range: { offset: 2, length: 15 } });
    expect((await drain(body)).toString()).toBe(DATA.subarray(2, 17).toString());
    expect(requests).toEqual([{ offset: 2, length: 15 }, { offset: 7, length: 10 }, { offset: 12, length: 5 }]);
  });

  it('gives up after two resumes, on other codes, and when the object changed (etag)', async () => {
    await expect(readObject(fakeStorage(3).client, { bucket: 'b', key: 'k' }).then((r) => drain(r.body))).rejects.toThrow(/Connection dropped/);
    await expect(readObject(fakeStorage(1, grpc.status.INTERNAL).client, { bucket: 'b', key: 'k' }).then((r) => drain(r.body))).rejects.toThrow(/Connection dropped/);
    await expect(readObject(fakeStorage(1, grpc.status.UNAVAILABLE, ['e1', 'e2']).client, { bucket: 'b', key: 'k' }).then((r) => drain(r.body))).rejects.toThrow(/Connection dropped/);
  });
});
