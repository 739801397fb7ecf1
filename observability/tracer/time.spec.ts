/**
 * unixNanoWords against a BigInt reference: exact for epoch milliseconds from 1970 to 2200, with
 * sub-millisecond parts, at the 2^32 and 2^16 boundaries its arithmetic splits at.
 */
import { describe, expect, it } from 'vitest';
import { referenceNanos } from '../../test/harness/otlp-decode';
import { nowMs, toMs, unixNanoWords } from './time';

const words = (ms: number) => {
  const [low, high] = unixNanoWords(ms);
  expect(low).toBeGreaterThanOrEqual(0);
  expect(low).toBeLessThan(2 ** 32);
  return (BigInt(high) << 32n) | BigInt(low);
};

describe('unixNanoWords', () => {
  it('matches BigInt arithmetic exactly', () => {
    const samples = [0, 1, 0.000001, 999.9999, 1000, 4294.967295, 4294.967296, 65_536_000, 65_535_999.5, nowMs(), 7_258_118_400_000.25];
    for (let i = 0; i < 10_000; i++) samples.push(Math.random() * 7_258_118_400_000);
    for (const ms of samples) expect(words(ms), String(ms)).toBe(referenceNanos(ms));
  });

  it('converts the API time inputs to epoch ms', () => {
    expect(toMs([1_764_000_000, 500_000_000])).toBe(1_764_000_000_500);
    expect(toMs(new Date(1_764_000_000_123))).toBe(1_764_000_000_123);
    const epochMs = Date.now();
    expect(toMs(epochMs)).toBe(epochMs);
    // Like the SDK: a number below the process's time origin is ms since that origin (performance.now()).
    expect(Math.abs(toMs(performance.now()) - Date.now())).toBeLessThan(50);
  });
});
