import { describe, expect, it } from 'vitest';
import { differenceInterval, formatInterval, ratioInterval } from './intervals';

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

describe('differenceInterval', () => {
  it("is the difference of the means with Welch's t interval (worked example: 2 degrees of freedom, t = 4.30)", () => {
    const d = differenceInterval([10, 12, 14], [1, 1, 1]);
    expect(d.difference).toBeCloseTo(11, 10);
    // se = sqrt(4 / 3) = 1.1547
    expect(d.high - d.difference).toBeCloseTo(4.3 * 1.1547, 3);
    expect(d.difference - d.low).toBeCloseTo(4.3 * 1.1547, 3);
  });

  it('uses Welch–Satterthwaite degrees of freedom when both sides vary (6 + 6 samples: t between 2.23 and 2.57)', () => {
    const d = differenceInterval([1, 2, 3, 4, 5, 6], [0, 0, 1, 1, 2, 2]);
    const se = Math.sqrt(3.5 / 6 + 0.8 / 6);
    const t = (d.high - d.difference) / se;
    expect(t).toBeGreaterThan(2.23);
    expect(t).toBeLessThan(2.57);
  });

  it('refuses a side with a single sample', () => {
    expect(() => differenceInterval([1, 2], [1])).toThrow(/two samples/);
  });
});
