import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log';
import { unary } from './handlers';

const log = createLogger({ component: 'handlers-spec' });

/** A grpc-js server call as far as the adapters see it: grpc-js emits 'cancelled' when any call's stream closes. */
function fakeCall(request: unknown) {
  return Object.assign(new EventEmitter(), { request });
}

describe('unary handler adapter', () => {
  it('aborts the handler when the caller cancels while it runs', async () => {
    let seen: AbortSignal | undefined;
    const handler = unary(log, 'Test', async (_req, signal) => {
      seen = signal;
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      throw signal.reason;
    });
    const call = fakeCall({});
    const answered = new Promise<unknown>((resolve) => handler(call as never, (err) => resolve(err)));
    await Promise.resolve();
    call.emit('cancelled');
    const err = (await answered) as { code: number };
    expect(seen?.aborted).toBe(true);
    expect(err.code).toBe(1); // CANCELLED
  });

  it('leaves an answered call alone when its stream closes afterwards (no abort, no listener kept)', async () => {
    let seen: AbortSignal | undefined;
    const handler = unary(log, 'Test', async (_req, signal) => {
      seen = signal;
      return { ok: true };
    });
    const call = fakeCall({});
    await new Promise((resolve) => handler(call as never, resolve as never));
    expect(call.listenerCount('cancelled')).toBe(0);
    call.emit('cancelled');
    expect(seen?.aborted).toBe(false);
  });
});
