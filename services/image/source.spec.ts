import { describe, expect, it } from 'vitest';
import { BucketVisibility, type ObjectHead } from '../../generated/mediamesh/storage/v1/storage';
import type { ReadOptions, StorageReader } from '../storage/read-client';
import { createObjectReader } from './source';

/** readerAnswering: a storage read client that returns `head` and `data` and records the options it was given. */
function readerAnswering(head: ObjectHead, data: Buffer) {
  const asked: ReadOptions[] = [];
  const reader: StorageReader = {
    open: () => Promise.reject(new Error('not used')),
    readAll: async (_ref, opts) => (asked.push(opts), { head, data }),
  };
  return { reader, asked };
}

const ref = { bucket: 'b', key: 'k' };
const head = (visibility: BucketVisibility): ObjectHead => ({ info: { bucket: 'b', key: 'k', etag: 'e1', size: 3, contentType: '', lastModified: undefined }, range: { offset: 0, length: 3 }, visibility });

describe('createObjectReader', () => {
  it("returns the bytes with the object's etag, size and bucket visibility from the head", async () => {
    const { reader } = readerAnswering(head(BucketVisibility.BUCKET_VISIBILITY_PRIVATE), Buffer.from('abc'));
    const got = await createObjectReader(reader)(ref, 100, new AbortController().signal);
    expect(got.data.toString()).toBe('abc');
    expect(got.object).toEqual({ etag: 'e1', size: 3, privateBucket: true });
  });

  it("reads within the image byte limit, refusing with the image service's own error", async () => {
    const { reader, asked } = readerAnswering(head(BucketVisibility.BUCKET_VISIBILITY_PUBLIC), Buffer.from('abc'));
    const signal = new AbortController().signal;
    await createObjectReader(reader)(ref, 100, signal);
    expect(asked[0]).toMatchObject({ maxBytes: 100, signal });
    expect(asked[0].tooLarge?.(200, 100).message).toBe('source image is 200 bytes, more than the limit of 100 bytes');
  });
});
