/**
 * seedBuckets: creates the buckets `npm start` offers (public `demo`, private
 * `private`). Idempotent; the launcher uploads the sample files itself.
 */
import { Metadata } from '@grpc/grpc-js';
import { BucketVisibility, type StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';

/** DEMO_BUCKETS are the buckets of a local mesh. */
export const DEMO_BUCKETS = [
  { name: 'demo', visibility: BucketVisibility.BUCKET_VISIBILITY_PUBLIC },
  { name: 'private', visibility: BucketVisibility.BUCKET_VISIBILITY_PRIVATE },
] as const;

/** seedBuckets creates DEMO_BUCKETS through a storage client and returns their names. */
export async function seedBuckets(client: StorageServiceClient, deadlineMs = 10_000): Promise<string[]> {
  for (const bucket of DEMO_BUCKETS) {
    await new Promise<void>((resolve, reject) =>
      client.createBucket({ bucket: { ...bucket } }, new Metadata(), { deadline: Date.now() + deadlineMs }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }
  return DEMO_BUCKETS.map((b) => b.name);
}
