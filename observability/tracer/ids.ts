/**
 * Random trace and span ids, as the lower-case hex the API carries: cut from a pool of
 * crypto-random bytes refilled 4 KiB at a time, so an id costs no system call. An all-zero id is
 * invalid in W3C trace context, so one is drawn again.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.allocUnsafe(4096);
let at = pool.length;
const zeros = new Map([8, 16].map((n) => [n, '0'.repeat(n * 2)]));

function randomHex(bytes: number): string {
  for (;;) {
    if (at + bytes > pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    const hex = pool.toString('hex', at, (at += bytes));
    if (hex !== zeros.get(bytes)) return hex;
  }
}

/** newTraceId: 16 random bytes as 32 hex characters. */
export const newTraceId = (): string => randomHex(16);

/** newSpanId: 8 random bytes as 16 hex characters. */
export const newSpanId = (): string => randomHex(8);
