import { describe, expect, it } from 'vitest';
import { formatInterval, ratioInterval } from './intervals';

describe('ratioInterval', () => {
  it("is the ratio of the means with Welch's t interval (worked example: 2 degrees of freedom, t = 4.30)", () => {
    const r = ratioInterval([10, 12, 14], [10, 10, 10]);
    expect(r.ratio).toBeCloseTo(1.2, 10);
    // se = 1.2 · sqrt(4 / (3 · 144)) = 0.11547
    expect(r.high - r.ratio).toBeCloseTo(4.3 * 0.11547, 3);
    expect(r.ratio - r.low).toBeCloseTo(4.3 * 0.11547, 3);
    expect(formatInterval(r)).toBe('1.200 (95 % CI 0.703–1.697)');
  });

  it('narrows with more samples of the same spread', () => {
    const few = ratioInterval([95, 100, 105], [100, 100, 101]);
    const many = ratioInterval([95, 100, 105, 95, 100, 105, 95, 100, 105], [100, 100, 101, 100, 100, 101, 100, 100, 101]);
    expect(many.high - many.low).toBeLessThan((few.high - few.low) / 2);
  });

  it('refuses a side with a single sample', () => {
    expect(() => ratioInterval([1], [1, 2])).toThrow(/two samples/);
  });
});
