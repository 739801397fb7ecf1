/**
 * SyncContextManager: the OpenTelemetry context is active for the synchronous extent of
 * `context.with(ctx, fn)` and nowhere else, with no async_hooks. On Node 20 the SDK's default
 * (AsyncLocalStorage) installs a promise hook that runs for every promise of the process: ~1.4 ms
 * of CPU per gateway request across the chain (bench/tracing-overhead.ts), most of tracing's cost.
 *
 * The price is that context does not follow `await` by itself: work that continues after an await
 * carries its trace explicitly, keyed by its request handle (observability/request-trace.ts). A
 * lost context degrades to a span without a parent, never to a span in another request's trace:
 * microtasks and callbacks start on an empty stack, where the active context is ROOT.
 */
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

export class SyncContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;

  active(): Context {
    return this.current;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.current;
    this.current = ctx;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
    }
  }

  /** bind makes a function run in ctx whenever it is called (event emitters are returned unchanged). */
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(ctx, fn, this, ...args);
    } as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.current = ROOT_CONTEXT;
    return this;
  }
}
