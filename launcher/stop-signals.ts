/**
 * onStopSignals: how the launcher answers Ctrl-C (SIGINT), SIGTERM and a closed terminal (SIGHUP).
 * The first press stops the mesh in order; a second, while that runs, only says so; a third
 * force-kills every child (never leaving one behind) and exits.
 *
 * Why presses and not signals: a terminal's Ctrl-C goes to its whole foreground process group —
 * npm and the launcher — and npm forwards the SIGINT it got to the launcher as well, so one key
 * press arrives as two SIGINTs a few milliseconds apart. Signals closer together than `samePressMs`
 * count as one press. (Before this, `process.once('SIGINT')` let the forwarded SIGINT kill the
 * launcher with the default action, orphaning the whole mesh.)
 */

export interface StopSignalHandlers {
  /** First press: stop everything in order, then exit. */
  stop(signal: NodeJS.Signals): void;
  /** Second press while stopping. */
  stillStopping(): void;
  /** Third press: kill every child now, then exit. */
  forceKill(): void;
}

/** SAME_PRESS_MS: signals closer together than this are one press (npm forwards within milliseconds). */
export const SAME_PRESS_MS = 500;

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** onStopSignals installs the handlers; the returned function removes them. */
export function onStopSignals(handlers: StopSignalHandlers, samePressMs = SAME_PRESS_MS): () => void {
  let presses = 0;
  let last = -Infinity;
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (now - last < samePressMs) return;
    last = now;
    presses++;
    if (presses === 1) handlers.stop(signal);
    else if (presses === 2) handlers.stillStopping();
    else handlers.forceKill();
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return () => {
    for (const s of SIGNALS) process.off(s, onSignal);
  };
}
