/**
 * CPU time of processes from /proc, for benchmarks that explain a throughput ratio by where the
 * CPU went (on a 2-core machine every process of a chain competes for the same cores).
 */
import * as fs from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** cpuMs is the user + system CPU time a process has used so far, in milliseconds. */
export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * cpuMsByThread is the CPU ms so far of each of a process's threads, by thread id (the process id
 * is its JavaScript main thread). Node names every thread "node", so a thread is told by its id:
 * they are made in order (V8's platform workers, then libuv's pool and libvips' workers as used).
 */
export function cpuMsByThread(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * TICK_MS);
  }
  return out;
}

/**
 * threadCpuMs splits a process's CPU ms so far by thread: `main` (the JavaScript thread) and
 * `threads` (everything else: libuv's pool, where sharp runs its pipelines and fs works; libvips
 * workers; V8's GC and compiler helpers). Tells JavaScript per request from native work per request.
 */
export function threadCpuMs(pid: number): { main: number; threads: number } {
  let total = 0;
  const byThread = cpuMsByThread(pid);
  for (const ms of byThread.values()) total += ms;
  const main = byThread.get(pid) ?? 0;
  return { main, threads: total - main };
}

/**
 * cpuMeter snapshots named processes: spent() gives each one's CPU ms since, perRequest(n) the
 * same divided by the requests served.
 */
export function cpuMeter(pids: Record<string, number>): {
  spent(): Record<string, number>;
  perRequest(requests: number): Record<string, number>;
  /** Each process's CPU ms since, split as threadCpuMs does (ended threads' time is lost, so the sum may be lower). */
  spentByThread(): Record<string, { main: number; threads: number }>;
} {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const threadsBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, threadCpuMs(pid)]));
  const spent = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid) - before[name]!]));
  return {
    spent,
    perRequest: (requests) => Object.fromEntries(Object.entries(spent()).map(([name, ms]) => [name, ms / Math.max(1, requests)])),
    spentByThread: () =>
      Object.fromEntries(
        Object.entries(pids).map(([name, pid]) => {
          const now = threadCpuMs(pid);
          return [name, { main: now.main - threadsBefore[name]!.main, threads: now.threads - threadsBefore[name]!.threads }];
        }),
      ),
  };
}
