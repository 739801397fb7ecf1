import { PassThrough } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { createStorageReader } from './read-client';

/** readObject opens one object (or range) through a reader over `client`. */
const readObject = (client: StorageServiceClient, req: { bucket: string; key: string; range?: { offset: number; length: number } }) =>
  createStorageReader(() => client).open({ bucket: req.bucket, key: req.key }, { range: req.range });

const DATA = Buffer.from('0123456789abcdefghij');

/** fakeStorage serves DATA by range; the first `cuts` streams die with `code` (and `details`) after 5 bytes. */
function fakeStorage(cuts: number, code = grpc.status.UNAVAILABLE, etags: string[] = [], details = 'Connection dropped') {
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
        setImmediate(() => call.destroy(Object.assign(new Error(details), { code, details })));
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

describe('createStorageReader: open', () => {
  it('opens once: a failure before the head is the mesh retry policy\'s (no second layer here)', async () => {
    for (const code of [grpc.status.UNAVAILABLE, grpc.status.NOT_FOUND]) {
      const failing = resetBeforeHead(1, code);
      await expect(readObject(failing.client, { bucket: 'b', key: 'k' })).rejects.toMatchObject({ code });
      expect(failing.calls()).toBe(1);
    }
  });

  it('resumes a download cut after the head from the next byte: one more read per cut', async () => {
    const { client, requests } = fakeStorage(2);
    const { body } = await readObject(client, { bucket: 'b', key: 'k', range: { offset: 2, length: 15 } });
    expect((await drain(body)).toString()).toBe(DATA.subarray(2, 17).toString());
    expect(requests).toEqual([{ offset: 2, length: 15 }, { offset: 7, length: 10 }, { offset: 12, length: 5 }]);
  });

  it('knows the cut as an Envoy sidecar reports it (INTERNAL "Received RST_STREAM with code 2")', async () => {
    const { client, requests } = fakeStorage(1, grpc.status.INTERNAL, [], 'Received RST_STREAM with code 2');
    expect((await drain((await readObject(client, { bucket: 'b', key: 'k' })).body)).toString()).toBe(DATA.toString());
    expect(requests).toEqual([{ offset: 0, length: 20 }, { offset: 5, length: 15 }]);
  });

  it('gives up after two resumes, on other codes, and when the object changed (etag)', async () => {
    await expect(readObject(fakeStorage(3).client, { bucket: 'b', key: 'k' }).then((r) => drain(r.body))).rejects.toThrow(/Connection dropped/);
    await expect(readObject(fakeStorage(1, grpc.status.INTERNAL).client, { bucket: 'b', key: 'k' }).then((r) => drain(r.body))).rejects.toThrow(/Connection dropped/);
    await expect(readObject(fakeStorage(1, grpc.status.UNAVAILABLE, ['e1', 'e2']).client, { bucket: 'b', key: 'k' }).then((r) => drain(r.body))).rejects.toThrow(/Connection dropped/);
  });
});

/** scripted answers every GetObject with the given messages. */
const scripted = (messages: unknown[]) =>
  ({
    getObject() {
      const call = Object.assign(new PassThrough({ objectMode: true }), { cancel: () => undefined });
      setImmediate(() => {
        for (const m of messages) call.write(m);
        call.end();
      });
      return call;
    },
  }) as unknown as StorageServiceClient;

const ref = { bucket: 'b', key: 'k' };
const head = (size: number) => ({ part: { $case: 'head', value: { info: { etag: 'e1', size }, range: { offset: 0, length: size }, visibility: 2 } } });
const chunk = (text: string) => ({ part: { $case: 'chunk', value: Buffer.from(text) } });

describe('createStorageReader: readAll', () => {
  it("returns the bytes with the object's head (etag, size, bucket visibility)", async () => {
    const got = await createStorageReader(() => scripted([head(3), chunk('abc')])).readAll(ref, { maxBytes: 100 });
    expect(got.data.toString()).toBe('abc');
    expect(got.head).toMatchObject({ info: { etag: 'e1', size: 3 }, visibility: 2 });
  });

  it('refuses a download without the head: nothing would say whose bytes these are', async () => {
    const noHead = createStorageReader(() => scripted([chunk('abc')]));
    await expect(noHead.readAll(ref, { maxBytes: 100 })).rejects.toMatchObject({ code: grpc.status.INTERNAL, message: expect.stringMatching(/before the object head/) });
    const empty = createStorageReader(() => scripted([]));
    await expect(empty.readAll(ref, { maxBytes: 100 })).rejects.toMatchObject({ code: grpc.status.INTERNAL, message: expect.stringMatching(/without the object head/) });
  });

  it('refuses an object over the limit by its head, and a stream that passes the limit mid-way', async () => {
    const tooLarge = (size: number, max: number) => new Error(`too large: ${size} > ${max}`);
    await expect(createStorageReader(() => scripted([head(10), chunk('0123456789')])).readAll(ref, { maxBytes: 5, tooLarge })).rejects.toThrow('too large: 10 > 5');
    // A head that understates the size: the byte count still stops the read.
    await expect(createStorageReader(() => scripted([head(3), chunk('abc'), chunk('defghi')])).readAll(ref, { maxBytes: 5, tooLarge })).rejects.toThrow('too large: 9 > 5');
  });

  it('rejects with the reason of an aborted signal and cancels the call', async () => {
    let cancelled = 0;
    const hanging = {
      getObject() {
        const call = Object.assign(new PassThrough({ objectMode: true }), {
          cancel: () => {
            cancelled++;
            call.destroy(Object.assign(new Error('Cancelled on client'), { code: grpc.status.CANCELLED }));
          },
        });
        call.write(head(10));
        return call;
      },
    } as unknown as StorageServiceClient;
    const ac = new AbortController();
    const read = createStorageReader(() => hanging).readAll(ref, { maxBytes: 100, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('deadline')), 20);
    await expect(read).rejects.toThrow('deadline');
    expect(cancelled).toBeGreaterThan(0);
  });
});
