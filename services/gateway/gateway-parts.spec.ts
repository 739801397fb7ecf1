import { describe, expect, it } from 'vitest';
import { MeshError, Status } from '../runtime';
import { badRequest, overloaded, payloadTooLarge } from './errors';
import { httpStatusOf, httpStatusOfCode } from './http-status';
import { ifNoneMatchHits } from './http-util';
import { createLimiter } from './limiter';
import { parseRange } from './range';
import { parseObjectTarget } from './request-target';

describe('parseRange', () => {
  it.each([
    [undefined, 100, { kind: 'none' }],
    ['bytes=0-9', 100, { kind: 'range', offset: 0, length: 10 }],
    ['bytes=90-', 100, { kind: 'range', offset: 90, length: 10 }],
    ['bytes=-10', 100, { kind: 'range', offset: 90, length: 10 }],
    ['bytes=-500', 100, { kind: 'range', offset: 0, length: 100 }],
    ['bytes=95-200', 100, { kind: 'range', offset: 95, length: 5 }],
    ['bytes=0-1', 100, { kind: 'range', offset: 0, length: 2 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=5-2', 100, { kind: 'none' }],
    ['bytes=0-1,5-6', 100, { kind: 'none' }],
    ['items=0-1', 100, { kind: 'none' }],
    ['bytes=99999999999999999999-', 100, { kind: 'unsatisfiable' }],
  ])('%s of %d bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe('httpStatusOf', () => {
  it('maps gRPC codes through the one table', () => {
    expect(httpStatusOfCode(Status.INVALID_ARGUMENT)).toBe(400);
    expect(httpStatusOfCode(Status.NOT_FOUND)).toBe(404);
    expect(httpStatusOfCode(Status.UNAUTHENTICATED)).toBe(401);
    expect(httpStatusOfCode(Status.PERMISSION_DENIED)).toBe(403);
    expect(httpStatusOfCode(Status.RESOURCE_EXHAUSTED, 'image too large: 200 Mpx')).toBe(413);
    expect(httpStatusOfCode(Status.RESOURCE_EXHAUSTED, 'too many concurrent requests')).toBe(429);
    expect(httpStatusOfCode(Status.DEADLINE_EXCEEDED)).toBe(504);
    expect(httpStatusOfCode(Status.UNAVAILABLE)).toBe(503);
    expect(httpStatusOfCode(Status.OUT_OF_RANGE)).toBe(400);
    expect(httpStatusOfCode(Status.INTERNAL)).toBe(500);
  });
  it('lets gateway errors pin their status and trusts only 4xx from Fastify', () => {
    expect(httpStatusOf(payloadTooLarge(10))).toBe(413);
    expect(httpStatusOf(overloaded('x'))).toBe(429);
    expect(httpStatusOf(badRequest('x'))).toBe(400);
    expect(httpStatusOf(new MeshError(Status.NOT_FOUND, 'gone'))).toBe(404);
    expect(httpStatusOf(Object.assign(new Error('bad media type'), { statusCode: 415 }))).toBe(415);
    expect(httpStatusOf(Object.assign(new Error('boom'), { statusCode: 502 }))).toBe(500);
    expect(httpStatusOf({ code: Status.UNAVAILABLE, details: 'no endpoints', metadata: {} })).toBe(503);
  });
});

describe('parseObjectTarget', () => {
  it('splits bucket, key, command and signature parameters', () => {
    expect(parseObjectTarget('/demo/a/b.jpg?imageView2/1/w/200%7CimageMogr2/rotate/90&e=1&token=a:b')).toEqual({
      bucket: 'demo',
      key: 'a/b.jpg',
      command: 'imageView2/1/w/200|imageMogr2/rotate/90',
      signed: true,
    });
    expect(parseObjectTarget('/demo/k?e=1&token=x:y')).toMatchObject({ command: '', signed: true });
    expect(parseObjectTarget('/demo/%E4%B8%AD.jpg')).toMatchObject({ key: '中.jpg', command: '' });
  });
  it.each(['/demo/../x', '/demo/%2e%2e/x', '/demo/..%2fx', '/demo//etc/passwd', '/demo/a%00b', '/demo/%ZZ', '/demo', '/Demo/x', '/demo/a\\..\\b'])(
    'refuses %j with 400',
    (url) => {
      expect(() => parseObjectTarget(url)).toThrow();
      try {
        parseObjectTarget(url);
      } catch (err) {
        expect(httpStatusOf(err)).toBe(400);
      }
    },
  );
});

describe('ifNoneMatchHits', () => {
  it('compares weakly and accepts lists and *', () => {
    expect(ifNoneMatchHits('"abc"', 'abc')).toBe(true);
    expect(ifNoneMatchHits('W/"abc", "x"', 'abc')).toBe(true);
    expect(ifNoneMatchHits('*', 'abc')).toBe(true);
    expect(ifNoneMatchHits('"abd"', 'abc')).toBe(false);
    expect(ifNoneMatchHits(undefined, 'abc')).toBe(false);
  });
});

describe('createLimiter', () => {
  it('queues up to the bound, then refuses with 429, and hands slots over in order', async () => {
    const rejected: string[] = [];
    const limiter = createLimiter({ maxConcurrent: 1, queueSize: 1, queueTimeoutMs: 5000, onReject: (r) => rejected.push(r) });
    const first = await limiter.acquire();
    const second = limiter.acquire();
    await expect(limiter.acquire()).rejects.toMatchObject({ httpStatus: 429 });
    expect(rejected).toEqual(['queue_full']);
    expect(limiter.queued).toBe(1);
    first();
    first(); // releasing twice must not free two slots
    const release2 = await second;
    expect(limiter.active).toBe(1);
    release2();
    expect(limiter.active).toBe(0);
  });
  it('times out a queued request', async () => {
    const limiter = createLimiter({ maxConcurrent: 1, queueSize: 5, queueTimeoutMs: 20 });
    await limiter.acquire();
    await expect(limiter.acquire()).rejects.toThrow(/no slot free/);
    expect(limiter.queued).toBe(0);
  });
});
