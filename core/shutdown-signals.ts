/**
 * shutdownOnSignals: how a mediamesh process answers SIGTERM and SIGINT, installed before it starts.
 * A signal that arrives while the process is still starting (binding, registering in ZooKeeper) is
 * kept and honoured once it is up: handlers installed only after start-up left a window in which the
 * default action killed the process with its registration still in place. The graceful stop runs
 * once, then the process exits (0, or 1 if the stop failed); later signals — the launcher's SIGTERM
 * and its pipe closing arrive together — never cut a drain short.
 */

/** Ready is called once the process can stop gracefully, with what stopping does. */
export type Ready = (stop: () => Promise<unknown>) => void;

export function shutdownOnSignals(): Ready {
  let stop: (() => Promise<unknown>) | undefined;
  let requested = false;
  let running = false;
  const run = () => {
    if (!stop || running) return;
    running = true;
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  const onSignal = () => {
    requested = true;
    run();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return (fn) => {
    stop = fn;
    if (requested) run();
  };
}
