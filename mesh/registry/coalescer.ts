/**
 * createCoalescer merges bursts of change notifications into few runs of `flush`: the first
 * change after a quiet period runs on the next turn (no added latency for a lone change),
 * later ones within `windowMs` of the last run are merged into one trailing run.
 * `flush` returns false when it could not publish yet (a read is outstanding); the next
 * schedule() then runs it again without waiting for a window.
 * @private
 */
export interface Coalescer {
  schedule(): void;
  cancel(): void;
}

export function createCoalescer(windowMs: number, flush: () => boolean): Coalescer {
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let lastRun = -Infinity;
  const run = () => {
    timer = undefined;
    immediate = undefined;
    if (flush()) lastRun = Date.now();
  };
  return {
    schedule() {
      if (timer || immediate) return;
      const wait = lastRun + windowMs - Date.now();
      if (wait <= 0) immediate = setImmediate(run);
      else timer = setTimeout(run, wait);
    },
    cancel() {
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      timer = undefined;
      immediate = undefined;
    },
  };
}
