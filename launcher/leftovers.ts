/**
 * What an earlier run of the same MEDIAMESH_HOME left behind, looked for before a launcher starts.
 * A process belongs to a home when MEDIAMESH_HOME in its environment (/proc/<pid>/environ, resolved
 * against its working directory) names it: the launcher exports it, so every child inherits it.
 * - a launcher of this home still runs (launcher.pid, or a child's MEDIAMESH_LAUNCHER_PID): "running";
 * - launcher.pid names a dead process: stale, removed;
 * - processes a launcher started (MEDIAMESH_LAUNCHER_PID) whose launcher is gone: orphans, provably
 *   ours, stopped before starting again;
 * - processes of this home no launcher marked (started by hand, or by a launcher older than the
 *   marks): "foreign", named with the command that stops them; the launcher does not start.
 * Without /proc (not Linux) only launcher.pid is checked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../core/paths';
import { LAUNCHER_PID_ENV } from './process';

/** HomeProcess is one running process of a home. */
export interface HomeProcess {
  readonly pid: number;
  /** Its process group (a launcher's children lead their own). */
  readonly pgid: number;
  /** Its command line, joined with spaces. */
  readonly command: string;
  /** The launcher that started it, when one did. */
  readonly launcherPid?: number;
}

export type HomeVerdict =
  | { readonly kind: 'running'; readonly launcherPid: number }
  | { readonly kind: 'foreign'; readonly processes: HomeProcess[] }
  | { readonly kind: 'free'; readonly stalePid?: number; readonly orphans: HomeProcess[] };

interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** Clock ticks after boot at which it started. */
  readonly startTime: number;
  readonly argv: string[];
  readonly env: Map<string, string>;
  readonly cwd: string;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state, ppid, pgrp, …
    if (fields[0] === 'Z') return undefined;
    const env = new Map<string, string>();
    for (const kv of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const eq = kv.indexOf('=');
      if (eq > 0) env.set(kv.slice(0, eq), kv.slice(eq + 1));
    }
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: Number(fields[19]), argv, env, cwd: fs.readlinkSync(`/proc/${pid}/cwd`) };
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

/** isLauncher tells whether a command line is `mediamesh up` (node …/mesh/cli/main.js up, or the bin). */
export function isLauncher(argv: readonly string[]): boolean {
  const cli = argv.findIndex((a) => /(mesh\/cli\/main\.js|bin\/mediamesh(\.js)?)$/.test(a));
  return cli >= 0 && argv[cli + 1] === 'up';
}

/** launcherAlive: the pid file's process runs and is a launcher (not another process that got the pid since). */
function launcherAlive(pid: number): boolean {
  const info = readProc(pid);
  if (info) return isLauncher(info.argv);
  if (fs.existsSync('/proc/self')) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** startedBy: the process that started `child` still runs (a process started after the child only got its pid). */
function startedBy(child: ProcInfo, launcherPid: number): boolean {
  const launcher = readProc(launcherPid);
  return !!launcher && launcher.startTime <= child.startTime;
}

function ancestorsOf(pid: number): Set<number> {
  const out = new Set<number>([pid]);
  for (let p = readProc(pid)?.ppid; p && p > 1 && !out.has(p); p = readProc(p)?.ppid) out.add(p);
  return out;
}

/** inspectHome says whether a launcher may start in `home` (an absolute path), and what to clean first. */
export function inspectHome(home: string, pidFile: string): HomeVerdict {
  const recorded = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : '') || undefined;
  if (recorded && recorded !== process.pid && launcherAlive(recorded)) return { kind: 'running', launcherPid: recorded };
  const orphans: HomeProcess[] = [];
  const foreign: HomeProcess[] = [];
  if (fs.existsSync('/proc/self')) {
    const skip = ancestorsOf(process.pid);
    for (const name of fs.readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || skip.has(pid)) continue;
      const info = readProc(pid);
      const ownHome = info?.env.get('MEDIAMESH_HOME');
      if (!info || !ownHome || path.resolve(info.cwd, ownHome) !== home) continue;
      const marked = Number(info.env.get(LAUNCHER_PID_ENV)) || undefined;
      const found: HomeProcess = { pid, pgid: info.pgid, command: info.argv.join(' '), launcherPid: marked };
      if (marked) {
        // Any process that started it and still runs owns it (a launcher, or a test that runs a mesh here).
        if (startedBy(info, marked)) return { kind: 'running', launcherPid: marked };
        orphans.push(found);
      } else if (isLauncher(info.argv)) {
        return { kind: 'running', launcherPid: pid };
      } else if (found.command.includes(repoRoot()) || found.command.includes(home)) {
        // A mediamesh process (or ZooKeeper with its data here), not a shell that merely has the variable.
        foreign.push(found);
      }
    }
  }
  if (foreign.length > 0) return { kind: 'foreign', processes: foreign };
  return { kind: 'free', stalePid: recorded && recorded !== process.pid ? recorded : undefined, orphans };
}

/** describeForeign is the message naming foreign processes and the exact command that stops them. */
export function describeForeign(home: string, processes: readonly HomeProcess[]): string {
  const lines = processes.map((p) => `  ${String(p.pid).padStart(7)}  ${p.command.slice(0, 160)}`);
  return `${processes.length} process(es) with MEDIAMESH_HOME=${home} are still running, started by no launcher this one can check:
${lines.join('\n')}
Stop them with:  kill ${processes.map((p) => p.pid).join(' ')}
(or choose another MEDIAMESH_HOME), then run it again.
`;
}

/** stopOrphans SIGTERMs orphans (their whole group when they lead one), SIGKILLs what is left after graceMs. */
export async function stopOrphans(orphans: readonly HomeProcess[], graceMs: number): Promise<void> {
  const target = (p: HomeProcess) => (p.pgid === p.pid ? -p.pid : p.pid);
  const signal = (p: HomeProcess, sig: NodeJS.Signals) => {
    try {
      process.kill(target(p), sig);
    } catch {
      /* gone */
    }
  };
  for (const p of orphans) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  const running = () => orphans.filter((p) => readProc(p.pid));
  while (running().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const p of running()) signal(p, 'SIGKILL');
}
