import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { retryUnavailable } from './retry-unavailable';

const unavailable = () => Object.assign(new Error('Connection dropped'), { code: status.UNAVAILABLE, details: 'Connection dropped' });

describe('retryUnavailable', () => {
  it('starts a read over after UNAVAILABLE, also when wrapped as a cause', async () => {
    let n = 0;
    const out = await retryUnavailable(async () => {
      n++;
      if (n === 1) throw unavailable();
      if (n === 2) throw new Error('storage failed', { cause: unavailable() });
      return 'bytes';
    });
    expect(out).toBe('bytes');
    expect(n).toBe(3);
  });

  it('gives up after the attempts and passes other errors and aborts through at once', async () => {
    let n = 0;
    await expect(retryUnavailable(async () => (n++, Promise.reject(unavailable())), undefined, 2)).rejects.toThrow('Connection dropped');
    expect(n).toBe(2);
    n = 0;
    await expect(retryUnavailable(async () => (n++, Promise.reject(Object.assign(new Error('nope'), { code: status.NOT_FOUND }))))).rejects.toThrow('nope');
    expect(n).toBe(1);
    const ctl = new AbortController();
    ctl.abort();
    n = 0;
    await expect(retryUnavailable(async () => (n++, Promise.reject(unavailable())), ctl.signal)).rejects.toThrow();
    expect(n).toBe(1);
  });
});
