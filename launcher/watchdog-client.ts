/**
 * The launcher's side of the watchdog (./watchdog.ts): started once, on the first child, as a
 * process of its own session (a terminal's Ctrl-C or hang-up never reaches it) that reads this
 * process's pipe. guardChild tells it about each child as it starts and forgets it when it exits;
 * when this process dies the pipe closes and the watchdog stops whatever is still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type * as net from 'node:net';
import { distEntry } from '../core/paths';

/** WatchEntry is one child as the watchdog knows it (the protocol: one JSON object per line). */
export interface WatchEntry {
  readonly pid: number;
  readonly name: string;
  /** How long it may take to stop before SIGKILL. */
  readonly graceMs: number;
  /** It watches the launcher's pipe itself and stops on its own; the watchdog only enforces the grace. */
  readonly watchesLauncher: boolean;
}

export type WatchdogMessage = ({ op: 'watch' } & WatchEntry) | { op: 'forget'; pid: number };

const entries = new Map<number, WatchEntry>();
let watchdog: ChildProcess | undefined;
let respawns = 0;
let unavailable = false;

/** guardChild hands a started child to the watchdog, which stops it if this process dies first. */
export function guardChild(child: ChildProcess, opts: Omit<WatchEntry, 'pid'>): void {
  if (!child.pid) return; // spawn failed; the child's 'error' event says why
  const entry: WatchEntry = { pid: child.pid, ...opts };
  entries.set(entry.pid, entry);
  send({ op: 'watch', ...entry });
  child.once('exit', () => {
    entries.delete(entry.pid);
    send({ op: 'forget', pid: entry.pid });
  });
}

function send(msg: WatchdogMessage): void {
  const wd = ensureWatchdog();
  if (wd?.stdin?.writable) wd.stdin.write(JSON.stringify(msg) + '\n');
}

function ensureWatchdog(): ChildProcess | undefined {
  if (watchdog || unavailable) return watchdog;
  const entry = distEntry('launcher/watchdog.ts');
  if (!fs.existsSync(entry)) {
    unavailable = true;
    process.stderr.write(`launcher: ${entry} is missing (run \`npm run build\`): children are not watched should this process be killed\n`);
    return undefined;
  }
  const wd = spawn(process.execPath, [entry], {
    // stderr inherited: if this process is killed, the watchdog's report lands where its output went.
    stdio: ['pipe', 'ignore', 'inherit'],
    env: { ...process.env, MEDIAMESH_LAUNCHER_PID: String(process.pid) },
    detached: true,
  });
  watchdog = wd;
  // It must never keep this process alive, nor outlive it for long: it exits once the pipe closes and
  // what it watched is gone.
  wd.unref();
  (wd.stdin as net.Socket).unref();
  wd.stdin!.on('error', () => undefined);
  wd.once('exit', () => {
    watchdog = undefined;
    if (entries.size === 0) return;
    // Killed while this process lives: start another and hand it what is running (a few times at most).
    if (++respawns > 3) {
      unavailable = true;
      process.stderr.write('launcher: the watchdog keeps dying: children are not watched should this process be killed\n');
      return;
    }
    for (const e of entries.values()) send({ op: 'watch', ...e });
  });
  return wd;
}
