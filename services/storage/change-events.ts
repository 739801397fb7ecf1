/**
 * Change events of the storage service: after every object it writes or deletes, storage bumps
 * the bucket's change signal in ZooKeeper (`<base>/changes/buckets/<bucket>`,
 * mesh/registry/change-signal.ts), so gateways that hold the etags of that bucket's objects drop
 * them at once, whoever made the write (another gateway, a gRPC client calling PutObject).
 * Fire-and-forget: a ZooKeeper outage never delays or fails a write (the readers' TTL bounds what
 * they miss meanwhile).
 */
import type { StorageBackend } from './backend';

/** bucketTopic is the change-signal topic of a bucket. */
export const bucketTopic = (bucket: string): string => `buckets/${bucket}`;

/** signalWrites wraps a backend: `changed(bucket)` runs after each committed put or delete. */
export function signalWrites(backend: StorageBackend, changed: (bucket: string) => void): StorageBackend {
  return {
    createBucket: (spec) => backend.createBucket(spec),
    getBucket: (name) => backend.getBucket(name),
    listBuckets: () => backend.listBuckets(),
    openObject: (bucket, key, range) => backend.openObject(bucket, key, range),
    statObject: (bucket, key) => backend.statObject(bucket, key),
    listObjects: (bucket, opts) => backend.listObjects(bucket, opts),
    async putObject(bucket, key, contentType, body) {
      const meta = await backend.putObject(bucket, key, contentType, body);
      changed(bucket);
      return meta;
    },
    async deleteObject(bucket, key) {
      try {
        await backend.deleteObject(bucket, key);
      } finally {
        // Also after a failure: a delete that raced another writer may have changed something.
        changed(bucket);
      }
    },
  };
}
