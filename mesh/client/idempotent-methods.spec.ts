import { describe, expect, it } from 'vitest';
import { ImageServiceService } from '../../generated/mediamesh/image/v1/image';
import { StorageServiceService } from '../../generated/mediamesh/storage/v1/storage';
import { VideoServiceService } from '../../generated/mediamesh/video/v1/video';
import { IDEMPOTENT_METHODS } from './idempotent-methods';

describe('IDEMPOTENT_METHODS', () => {
  it('names unary methods that exist, and none that writes', () => {
    const methods = new Map(
      [ImageServiceService, StorageServiceService, VideoServiceService].flatMap((s) => Object.values(s)).map((m) => [m.path, m] as const),
    );
    for (const path of IDEMPOTENT_METHODS) {
      const m = methods.get(path);
      expect(m, path).toBeDefined();
      expect([m!.requestStream, m!.responseStream], path).toEqual([false, false]);
    }
    for (const write of ['PutObject', 'DeleteObject', 'CreateBucket', 'SubmitJob', 'CancelJob']) {
      expect([...IDEMPOTENT_METHODS].some((p) => p.endsWith(`/${write}`)), write).toBe(false);
    }
  });
});
