import { describe, expect, it } from 'vitest';
import { BucketVisibility, type Bucket } from '../../generated/mediamesh/storage/v1/storage';
import { createBucketDirectory } from './bucket-visibility';
import type { Upstreams } from './upstreams';

/** storageWith answers ListBuckets with whatever `buckets` holds at the time, counting the calls. */
function storageWith(buckets: Bucket[], fail?: () => Error) {
  let lists = 0;
  const storage = {
    listBuckets(_req: unknown, _md: unknown, _opts: unknown, cb: (err: Error | null, res?: { buckets: Bucket[] }) => void) {
      lists++;
      const err = fail?.();
      setImmediate(() => (err ? cb(err) : cb(null, { buckets: [...buckets] })));
    },
  };
  return { upstreams: { storage } as unknown as Upstreams, lists: () => lists };
}

const pub = (name: string): Bucket => ({ name, visibility: BucketVisibility.BUCKET_VISIBILITY_PUBLIC });
const priv = (name: string): Bucket => ({ name, visibility: BucketVisibility.BUCKET_VISIBILITY_PRIVATE });

describe('createBucketDirectory: the one source of bucket visibility', () => {
  it('answers a bucket once seen from memory, for good (visibility never changes)', async () => {
    const s = storageWith([pub('demo'), priv('vault')]);
    const dir = createBucketDirectory(s.upstreams, 1000);
    expect(await dir.isPrivate('vault')).toBe(true);
    expect(await dir.isPrivate('demo')).toBe(false);
    expect(await dir.isPrivate('vault')).toBe(true);
    expect(s.lists()).toBe(1);
  });

  it('reads the list again for a bucket it has not seen (created since), sharing one read between concurrent misses', async () => {
    const buckets = [pub('demo')];
    const s = storageWith(buckets);
    const dir = createBucketDirectory(s.upstreams, 1000);
    expect(await dir.isPrivate('demo')).toBe(false);
    buckets.push(priv('late'));
    expect(await Promise.all([dir.isPrivate('late'), dir.isPrivate('late'), dir.isPrivate('late')])).toEqual([true, true, true]);
    expect(s.lists()).toBe(2);
    // A bucket that does not exist is not private (storage answers NOT_FOUND), and costs a read each time it is asked.
    expect(await dir.isPrivate('nothing')).toBe(false);
    expect(s.lists()).toBe(3);
  });

  it('fails the question when the list cannot be read (never a guess)', async () => {
    const s = storageWith([], () => Object.assign(new Error('boom'), { code: 13 }));
    await expect(createBucketDirectory(s.upstreams, 1000).isPrivate('vault')).rejects.toMatchObject({ code: 13 });
  });
});
