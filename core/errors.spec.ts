import { Metadata, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { MeshError, unavailable } from './errors';

const callFailed = (code: status) => Object.assign(new Error(`${code} from upstream`), { code, details: 'upstream said no', metadata: new Metadata() });

describe('MeshError.toServiceError', () => {
  it('marks an UNAVAILABLE caused by a call this process made "do not retry" (gRPC pushback and Envoy), nothing else', () => {
    const wrapped = new MeshError(status.UNAVAILABLE, 'reading demo/a.jpg from storage: upstream said no', { cause: MeshError.from(callFailed(status.UNAVAILABLE)) });
    for (const dependency of [MeshError.from(callFailed(status.UNAVAILABLE)), wrapped])
      expect(dependency.toServiceError().metadata!.getMap()).toEqual({ 'grpc-retry-pushback-ms': '-1', 'x-envoy-ratelimited': 'true' });
    // The process's own unavailability (draining, ZooKeeper down) may be retried elsewhere; other codes are not retried anyway.
    expect(unavailable('jobs: ZooKeeper is unavailable', new Error('CONNECTION_LOSS')).toServiceError().metadata!.getMap()).toEqual({});
    expect(MeshError.from(callFailed(status.NOT_FOUND)).toServiceError().metadata!.getMap()).toEqual({});
  });
});
