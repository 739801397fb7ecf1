/**
 * 95 % confidence intervals for benchmarks that compare two groups of processes.
 *
 * ratioInterval: the ratio of two means with its 95 % confidence interval, for benchmarks whose
 * independent units are processes (a chain of them per sample). Processes doing the same work differ
 * by several per cent for reasons of their own (JIT decisions, memory layout), so a ratio measured on
 * three chains per side can be a few points off; the interval says how many.
 *
 * Welch's interval through the delta method: var(a/b) ≈ (a/b)² · (var(a)/(n_a·a²) + var(b)/(n_b·b²)),
 * with Student's t at the Welch–Satterthwaite degrees of freedom.
 */

export interface RatioInterval {
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
}

/** T95 are Student's two-sided 95 % quantiles for 1…30 degrees of freedom (above 30: 2.0 is within 2 %). */
const T95 = [12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.2, 2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.1, 2.09, 2.09, 2.08, 2.07, 2.07, 2.06, 2.06, 2.06, 2.05, 2.05, 2.05, 2.04];

/** mean is the arithmetic mean of a non-empty sample. */
export const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

/** t95 is Student's 95 % quantile at Welch–Satterthwaite's degrees of freedom for two squared standard errors. */
function t95(ua: number, ub: number, na: number, nb: number): number {
  const df = ua + ub === 0 ? Infinity : (ua + ub) ** 2 / (ua ** 2 / (na - 1) + ub ** 2 / (nb - 1));
  return df >= 31 ? 2.0 : T95[Math.max(1, Math.floor(df)) - 1]!;
}

/** ratioInterval is mean(a) / mean(b) with its 95 % interval; a and b need two samples each. */
export function ratioInterval(a: readonly number[], b: readonly number[]): RatioInterval {
  if (a.length < 2 || b.length < 2) throw new Error('ratioInterval needs at least two samples per side');
  const ma = mean(a);
  const mb = mean(b);
  const ratio = ma / mb;
  const ua = variance(a) / (a.length * ma * ma);
  const ub = variance(b) / (b.length * mb * mb);
  const se = ratio * Math.sqrt(ua + ub);
  const t = t95(ua, ub, a.length, b.length);
  return { ratio, low: ratio - t * se, high: ratio + t * se };
}

/** formatInterval prints "0.939 (95 % CI 0.905–0.973)". */
export function formatInterval(r: RatioInterval): string {
  return `${r.ratio.toFixed(3)} (95 % CI ${r.low.toFixed(3)}–${r.high.toFixed(3)})`;
}
