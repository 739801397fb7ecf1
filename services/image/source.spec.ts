import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BucketVisibility, type StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { Status } from '../runtime';
import { createStorageReader } from '../storage/read-client';
import { createObjectReader } from './source';

/** fakeStorage answers every GetObject with the given messages. */
const fakeStorage = (messages: unknown[]) =>
  ({
    getObject() {
      const call = Object.assign(new PassThrough({ objectMode: true }), { cancel: () => undefined });
      setImmediate(() => {
        for (const m of messages) call.write(m);
        call.end();
      });
      return call;
    },
    close: () => undefined,
  }) as unknown as StorageServiceClient;

const ref = { bucket: 'b', key: 'k' };
const head = (visibility: BucketVisibility) => ({ part: { $case: 'head', value: { info: { etag: 'e1', size: 3 }, range: { offset: 0, length: 3 }, visibility } } });
const chunk = { part: { $case: 'chunk', value: Buffer.from('abc') } };

describe('createObjectReader', () => {
  it("returns the bytes with the object's etag, size and bucket visibility from the head", async () => {
    const read = createObjectReader(createStorageReader(() => fakeStorage([head(BucketVisibility.BUCKET_VISIBILITY_PRIVATE), chunk])));
    const got = await read(ref, 100, new AbortController().signal);
    expect(got.data.toString()).toBe('abc');
    expect(got.object).toEqual({ etag: 'e1', size: 3, privateBucket: true });
  });

  it('refuses a download without the head: nothing would say whose bytes these are', async () => {
    const noHead = createObjectReader(createStorageReader(() => fakeStorage([chunk])));
    await expect(noHead(ref, 100, new AbortController().signal)).rejects.toMatchObject({ code: Status.INTERNAL, message: expect.stringMatching(/before the object head/) });
    const empty = createObjectReader(createStorageReader(() => fakeStorage([])));
    await expect(empty(ref, 100, new AbortController().signal)).rejects.toMatchObject({ code: Status.INTERNAL, message: expect.stringMatching(/without the object head/) });
  });
});
