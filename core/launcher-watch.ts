/**
 * watchLauncher: a process started by the mediamesh launcher (launcher/process.ts) inherits one end
 * of a pipe whose other end only the launcher holds, at the fd named by MEDIAMESH_LAUNCHER_FD.
 * Nothing is ever written on it. When the launcher dies — Ctrl-C, SIGKILL, a crash — the kernel
 * closes the launcher's end, this end reads end-of-file, and the process sends itself SIGTERM: it
 * stops through its own graceful path (deregister, drain, flush spans), exactly as if the launcher
 * had stopped it. A pipe rather than polling the parent pid because it fires at once, needs no
 * timer, and any program in any language can do the same with one blocking read.
 *
 * Every mediamesh process calls it once at start (the service host's runMain, the gateway, the
 * control plane); without the variable (started by hand, by Docker, by Kubernetes) it does nothing.
 */
import * as net from 'node:net';
import type { Logger } from './log';

/** LAUNCHER_FD_ENV names the inherited fd of the launcher's pipe. */
export const LAUNCHER_FD_ENV = 'MEDIAMESH_LAUNCHER_FD';

/** watchLauncher starts the watch; returns false when this process was not started by a launcher. */
export function watchLauncher(log: Logger, env: Record<string, string | undefined> = process.env): boolean {
  const raw = env[LAUNCHER_FD_ENV];
  if (!raw) return false;
  // Processes this one starts (ffmpeg, a CLI) must not take whatever their fd 3 is for the launcher's pipe.
  delete env[LAUNCHER_FD_ENV];
  const fd = Number(raw);
  if (!Number.isInteger(fd) || fd < 3) {
    log.warn(`${LAUNCHER_FD_ENV}=${raw} is not an inherited file descriptor (>= 3); not watching the launcher`, { event: 'launcher-watch-off' });
    return false;
  }
  // stdout and stderr are pipes to the launcher as well: once it is gone, writing there fails with
  // EPIPE, and that lost output must not turn the graceful stop into an uncaught-exception exit.
  const ignore = () => undefined;
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);

  let pipe: net.Socket;
  try {
    pipe = new net.Socket({ fd, readable: true, writable: false });
  } catch (err) {
    log.warn(`cannot watch the launcher's pipe (fd ${fd}): ${(err as Error).message}`, { event: 'launcher-watch-off' });
    return false;
  }
  let gone = false;
  const onGone = (why: string) => {
    if (gone) return;
    gone = true;
    log.warn('the launcher is gone: shutting down', { event: 'launcher-gone', why });
    process.kill(process.pid, 'SIGTERM');
  };
  pipe.on('data', ignore); // nothing is written; reading is what sees the end of file
  pipe.once('end', () => onGone('its pipe closed'));
  pipe.on('error', (err) => onGone(`its pipe failed: ${err.message}`));
  // The watch alone must not keep a process alive that has finished its work.
  pipe.unref();
  return true;
}
