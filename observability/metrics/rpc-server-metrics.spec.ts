import { describe, expect, it } from 'vitest';
import { splitMethodPath, statusName } from './rpc-server-metrics';

describe('rpc server metrics helpers', () => {
  it('splits a gRPC method path into service and method', () => {
    expect(splitMethodPath('/mediamesh.image.v1.ImageService/Process')).toEqual({ service: 'mediamesh.image.v1.ImageService', method: 'Process' });
    expect(splitMethodPath('/grpc.health.v1.Health/Check')).toEqual({ service: 'grpc.health.v1.Health', method: 'Check' });
    expect(splitMethodPath('garbage')).toEqual({ service: 'unknown', method: 'garbage' });
  });

  it('names status codes', () => {
    expect(statusName(0)).toBe('OK');
    expect(statusName(5)).toBe('NOT_FOUND');
    expect(statusName(99)).toBe('99');
  });
});
