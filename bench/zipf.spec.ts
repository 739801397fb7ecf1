import { describe, expect, it } from 'vitest';
import { zipfSampler } from './zipf';

describe('zipfSampler', () => {
  it('draws rank 0 most, in the proportion 1/(k+1)^s, and the same sequence for a seed', () => {
    const draw = zipfSampler(2000, 1.1, 7);
    const counts = new Map<number, number>();
    for (let i = 0; i < 200_000; i++) {
      const r = draw();
      counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    const c0 = counts.get(0)!;
    const c1 = counts.get(1)!;
    expect(c0 / c1).toBeGreaterThan(2 ** 1.1 * 0.9);
    expect(c0 / c1).toBeLessThan(2 ** 1.1 * 1.1);
    expect(Math.max(...counts.keys())).toBeLessThan(2000);
    const a = zipfSampler(2000, 1.1, 3);
    const b = zipfSampler(2000, 1.1, 3);
    expect(Array.from({ length: 50 }, a)).toEqual(Array.from({ length: 50 }, b));
  });
});
