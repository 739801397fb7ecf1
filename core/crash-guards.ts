/**
 * installCrashGuards: what a process does with an error nobody caught.
 * - An unhandled promise rejection is a bug in a background path (a registry watch, a
 *   telemetry export, a hook): it is logged with its stack (event "unhandled-rejection")
 *   and the process keeps serving — a background bug must not take the data path down.
 * - An uncaught exception leaves state unknown: it is logged with its stack to the JSON log
 *   and stderr, and the process exits 1 (the mesh routes around it; a supervisor restarts it).
 */
import type { Logger } from './log';

let installed = false;

export function installCrashGuards(log: Logger): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    const err = reason instanceof Error ? reason : new Error(String(reason));
    log.error('unhandled rejection (kept serving)', { event: 'unhandled-rejection', err: err.stack ?? err.message });
  });
  process.on('uncaughtException', (err) => {
    log.error('uncaught exception: exiting', { event: 'uncaught-exception', err: err.stack ?? err.message });
    process.stderr.write(`uncaught exception: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
