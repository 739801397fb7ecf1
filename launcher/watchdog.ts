/**
 * The watchdog: `node dist/launcher/watchdog.js`, started by the launcher (./watchdog-client.ts) in
 * a session of its own, reading the launcher's pipe on stdin: one JSON line per child started
 * (`watch`) or exited (`forget`). When the pipe closes while children are still listed — the
 * launcher was killed or crashed — it stops them, as the launcher would have:
 * 1. mediamesh Node processes first, all at once: they saw the same pipe close and are stopping
 *    themselves gracefully (deregister, drain); they get their grace, then SIGKILL;
 * 2. then everything else (ZooKeeper, Jaeger, sidecars: programs that know nothing of the pipe), in
 *    the reverse order of their start: SIGTERM, SIGKILL after their grace.
 * It prints what it did on stderr (the launcher's terminal) and exits. A pid is checked against the
 * start time it had when listed, so a reused pid is never signalled.
 */
import * as fs from 'node:fs';
import type { WatchdogMessage, WatchEntry } from './watchdog-client';

interface Watched extends WatchEntry {
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22), when /proc exists. */
  readonly startTime?: string;
}

const watched = new Map<number, Watched>();
const launcherPid = process.ppid;
const report = (line: string) => process.stderr.write(`mediamesh watchdog: ${line}\n`);
process.stderr.on('error', () => undefined); // the terminal may be gone too

/** procStat reads state and start time of a pid; undefined when it does not exist (or no /proc). */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    return { state: fields[0], startTime: fields[19] };
  } catch {
    return undefined;
  }
}

function alive(w: Watched): boolean {
  if (!fs.existsSync('/proc/self/stat')) {
    try {
      process.kill(w.pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  const now = procStat(w.pid);
  return !!now && now.state !== 'Z' && now.startTime === w.startTime;
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    /* gone */
  }
}

/** stop waits for one child to exit (after SIGTERM unless it stops itself), SIGKILLs it after its grace. */
async function stop(w: Watched, term: boolean): Promise<void> {
  const started = Date.now();
  if (term) signalGroup(w.pid, 'SIGTERM');
  while (alive(w) && Date.now() - started < w.graceMs) await new Promise((r) => setTimeout(r, 100));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (alive(w)) {
    signalGroup(w.pid, 'SIGKILL');
    report(`${w.name} (pid ${w.pid}) did not exit within ${seconds} s: killed`);
  } else {
    report(`${w.name} (pid ${w.pid}) exited after ${seconds} s${term ? ' (SIGTERM)' : ' (stopped itself)'}`);
  }
  signalGroup(w.pid, 'SIGKILL'); // what it started (ffmpeg) goes with it
}

async function stopAll(): Promise<void> {
  const left = [...watched.values()].filter(alive);
  if (left.length === 0) process.exit(0);
  report(`launcher ${launcherPid} is gone; stopping what it started: ${left.map((w) => w.name).join(', ')}`);
  await Promise.all(left.filter((w) => w.watchesLauncher).map((w) => stop(w, false)));
  for (const w of left.filter((e) => !e.watchesLauncher).reverse()) await stop(w, true);
  report('done');
  process.exit(0);
}

let buffered = '';
process.stdin.on('data', (chunk: Buffer) => {
  buffered += chunk.toString();
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    let msg: WatchdogMessage;
    try {
      msg = JSON.parse(line) as WatchdogMessage;
    } catch {
      continue;
    }
    if (msg.op === 'forget') watched.delete(msg.pid);
    else if (msg.op === 'watch') {
      const stat = procStat(msg.pid);
      if (stat || !fs.existsSync('/proc/self/stat')) watched.set(msg.pid, { ...msg, startTime: stat?.startTime });
    }
  }
});
process.stdin.once('end', () => void stopAll());
process.stdin.once('error', () => void stopAll());
