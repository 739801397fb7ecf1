import { describe, expect, it } from 'vitest';
import { ImageServiceService } from '../../generated/mediamesh/image/v1/image';
import { StorageServiceService } from '../../generated/mediamesh/storage/v1/storage';
import { VideoServiceService } from '../../generated/mediamesh/video/v1/video';
import { IDEMPOTENT_METHODS, isIdempotentCall, KEYED_IDEMPOTENT_METHODS } from './idempotent-methods';

const methods = new Map(
  [ImageServiceService, StorageServiceService, VideoServiceService].flatMap((s) => Object.values(s)).map((m) => [m.path, m] as const),
);

describe('IDEMPOTENT_METHODS', () => {
  it('names unary methods that exist, and none that writes', () => {
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

describe('KEYED_IDEMPOTENT_METHODS', () => {
  it('names unary methods that exist, by a field their request has', () => {
    for (const [path, field] of KEYED_IDEMPOTENT_METHODS) {
      const m = methods.get(path);
      expect(m, path).toBeDefined();
      expect([m!.requestStream, m!.responseStream], path).toEqual([false, false]);
      expect(Object.keys(m!.requestDeserialize(Buffer.alloc(0)) as object), path).toContain(field);
    }
  });

  it('makes a SubmitJob idempotent only with its key', () => {
    const submit = VideoServiceService.submitJob.path;
    expect(isIdempotentCall(submit, { spec: undefined, idempotencyKey: 'k' })).toBe(true);
    for (const request of [{ spec: undefined, idempotencyKey: '' }, { spec: undefined }, undefined]) expect(isIdempotentCall(submit, request)).toBe(false);
    expect(isIdempotentCall(VideoServiceService.cancelJob.path, { id: 'j', idempotencyKey: 'k' })).toBe(false);
    expect(isIdempotentCall(VideoServiceService.getJob.path, undefined)).toBe(true);
  });
});
