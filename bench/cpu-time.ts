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
 * cpuMeter snapshots named processes: spent() gives each one's CPU ms since, perRequest(n) the
 * same divided by the requests served.
 */
export function cpuMeter(pids: Record<string, number>): { spent(): Record<string, number>; perRequest(requests: number): Record<string, number> } {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const spent = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid) - before[name]!]));
  return {
    spent,
    perRequest: (requests) => Object.fromEntries(Object.entries(spent()).map(([name, ms]) => [name, ms / Math.max(1, requests)])),
  };
}
