/**
 * createWatcherHub: fan-out of one value to many RegistryWatchers, in the shape of
 * grpc-js-xds' BasicWatcher: delivery is asynchronous (never inside the caller's stack),
 * a value equal to the last one is dropped, a late watcher gets the current value, and
 * errors reach only watchers that have not had a value yet (after that the last good
 * value stays in use: a registry outage must not empty anyone's endpoints).
 */
import type { RegistryWatcher } from './types';

export interface WatcherHub<T> {
  add(watcher: RegistryWatcher<T>): () => void;
  publish(value: T): void;
  error(err: Error): void;
  current(): T | undefined;
  size(): number;
}

/** createWatcherHub builds a hub; `key` turns a value into a comparable string. */
export function createWatcherHub<T>(key: (value: T) => string): WatcherHub<T> {
  const watchers = new Map<RegistryWatcher<T>, { hadValue: boolean }>();
  let last: { value: T; key: string } | undefined;

  const send = (w: RegistryWatcher<T>, value: T) => {
    setImmediate(() => {
      const state = watchers.get(w);
      if (!state || last?.value !== value) return; // unsubscribed, or superseded before delivery
      state.hadValue = true;
      w.onChanged(value);
    });
  };

  return {
    add(watcher) {
      watchers.set(watcher, { hadValue: false });
      if (last) send(watcher, last.value);
      return () => void watchers.delete(watcher);
    },
    publish(value) {
      const k = key(value);
      if (last?.key === k) return;
      last = { value, key: k };
      for (const w of watchers.keys()) send(w, value);
    },
    error(err) {
      for (const [w, state] of watchers) {
        if (state.hadValue || !w.onError) continue;
        setImmediate(() => watchers.has(w) && !watchers.get(w)!.hadValue && w.onError?.(err));
      }
    },
    current: () => last?.value,
    size: () => watchers.size,
  };
}
