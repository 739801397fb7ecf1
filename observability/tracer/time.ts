/**
 * Span timestamps: milliseconds since the epoch as a float (performance.timeOrigin + now(), about
 * 0.2 µs of resolution), turned into OTLP's nanoseconds only when a batch is encoded.
 */
import type { TimeInput } from '@opentelemetry/api';

const origin = performance.timeOrigin;

/** nowMs is the current time in epoch milliseconds, sub-millisecond precise and monotonic within the process. */
export function nowMs(): number {
  return origin + performance.now();
}

/** toMs converts the API's TimeInput: an HrTime, a Date, epoch ms, or (like the SDK) ms since the time origin. */
export function toMs(t: TimeInput | undefined): number {
  if (t === undefined) return nowMs();
  if (typeof t === 'number') return t < origin ? origin + t : t;
  if (t instanceof Date) return t.getTime();
  return t[0] * 1e3 + t[1] / 1e6;
}

/** toUnixNanos converts epoch ms to the fixed64 nanoseconds of OTLP. */
export function toUnixNanos(ms: number): bigint {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}
