/**
 * Chaos statistics: samples of one load run cut into phase windows, with requests sent,
 * failed and latency percentiles, and the description of the machine a run happened on
 * (RESULTS.md is only comparable between runs on like machines).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

/** Sample is one request of the steady load. */
export interface Sample {
  /** Start time (ms since epoch). */
  readonly at: number;
  readonly ms: number;
  /** Which load loop sent it: http-thumb, http-object, http-avinfo, grpc-image, grpc-storage. */
  readonly kind: string;
  readonly error?: string;
}

/** PhaseStats summarises the samples that started inside one window. */
export interface PhaseStats {
  readonly phase: string;
  /** Length of the window. */
  readonly seconds: number;
  readonly sent: number;
  readonly failed: number;
  readonly p50: number;
  readonly p99: number;
  /** Requests the phase sent in the window at least (open loop), when it did. */
  readonly minSent?: number;
  /** First few distinct failure messages with their counts. */
  readonly errors: Record<string, number>;
  /** Requests slower than 1 s, by load loop (stalls hide behind "0 failed"). */
  readonly slow: Record<string, number>;
}

/** percentile of already sorted values (nearest rank); 0 for an empty list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * summarize cuts [from, to) out of samples: those that started inside it, or with `overlap`
 * those in flight at any moment of it — so a request stuck across the instant of a kill
 * counts in the window right after the kill, with its full latency.
 */
export function summarize(phase: string, samples: readonly Sample[], from: number, to: number, overlap = false, minSent?: number): PhaseStats {
  const inside = samples.filter((s) => (overlap ? s.at < to && s.at + s.ms >= from : s.at >= from && s.at < to));
  const ms = inside.map((s) => s.ms).sort((a, b) => a - b);
  const errors: Record<string, number> = {};
  const slow: Record<string, number> = {};
  for (const s of inside) {
    if (s.error) errors[`${s.kind}: ${s.error.slice(0, 160)}`] = (errors[`${s.kind}: ${s.error.slice(0, 160)}`] ?? 0) + 1;
    if (s.ms > 1000) slow[s.kind] = (slow[s.kind] ?? 0) + 1;
  }
  return { phase, seconds: (to - from) / 1000, ...(minSent !== undefined ? { minSent } : {}), sent: inside.length, failed: inside.filter((s) => s.error).length, p50: percentile(ms, 50), p99: percentile(ms, 99), errors, slow };
}

/** formatStats is one printed line per phase. */
export function formatStats(s: PhaseStats): string {
  const errs = Object.entries(s.errors).slice(0, 5).map(([e, n]) => `\n    ${n}× ${e}`).join('');
  const slow = Object.keys(s.slow).length ? `  > 1 s: ${Object.entries(s.slow).map(([k, n]) => `${k} ×${n}`).join(', ')}` : '';
  const open = s.minSent !== undefined ? ` (${s.minSent} on schedule)` : '';
  return `${s.phase.padEnd(34)} sent ${String(s.sent).padStart(6)}${open}  failed ${String(s.failed).padStart(4)}  p50 ${s.p50.toFixed(0).padStart(5)} ms  p99 ${s.p99.toFixed(0).padStart(5)} ms${slow}${errs}`;
}

/** describeMachine: cores, memory, Node version, date. */
export function describeMachine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ` +
    `${os.type()} ${os.release()}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at start, ${new Date().toISOString()}`;
}

/** vmHwmKb reads a process's peak RSS (VmHWM) from /proc; undefined when it is gone. */
export function vmHwmKb(pid: number): number | undefined {
  return procStatusKb(pid, 'VmHWM');
}

/** vmRssKb reads a process's current RSS (VmRSS) from /proc. */
export function vmRssKb(pid: number): number | undefined {
  return procStatusKb(pid, 'VmRSS');
}

function procStatusKb(pid: number, field: string): number | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
