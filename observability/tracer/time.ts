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

const TWO_16 = 0x1_0000;
const TWO_32 = 0x1_0000_0000;

/**
 * unixNanoWords converts epoch ms to OTLP's fixed64 nanoseconds as [low, high] 32-bit words,
 * exactly and without BigInt: seconds·1e9 is split at 2^16 so that every partial product fits a
 * double's 53 bits.
 */
export function unixNanoWords(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6));
  const high16 = Math.floor(seconds / TWO_16) * 1e9; // × 2^16 below
  const low = (seconds % TWO_16) * 1e9 + nanos;
  const lowWord = (high16 % TWO_16) * TWO_16 + (low % TWO_32);
  return [lowWord % TWO_32, Math.floor(high16 / TWO_16) + Math.floor(low / TWO_32) + Math.floor(lowWord / TWO_32)];
}
