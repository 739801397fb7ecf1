/**
 * The chaos judge itself (no servers): phase windows, percentiles and the targets of
 * issues 10 and 23 — so a failing phase cannot slip through as "all targets met".
 */
import { describe, expect, it } from 'vitest';
import { missedTargets } from '../../bench/chaos/run-chaos';
import { percentile, summarize, type Sample } from '../../bench/chaos/stats';

const s = (at: number, ms: number, error?: string): Sample => ({ at, ms, kind: 'http-thumb', ...(error ? { error } : {}) });

describe('chaos judge', () => {
  it('summarize counts only samples that started inside the window, with nearest-rank percentiles', () => {
    const samples = [s(0, 5), s(10, 1), s(20, 100, 'HTTP 503'), s(30, 3), s(40, 9)];
    const w = summarize('w', samples, 10, 40);
    expect(w).toMatchObject({ sent: 3, failed: 1, p50: 3, p99: 100, errors: { 'http-thumb: HTTP 503': 1 } });
    // In-flight mode also counts a request that started before the window and ended inside it.
    expect(summarize('w', [s(0, 1500), s(900, 50), s(1200, 5)], 1000, 2000, true)).toMatchObject({ sent: 2, p99: 1500 });
    expect(percentile([], 99)).toBe(0);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
  });

  it('missedTargets: 0 failures everywhere, fixtures intact', () => {
    const ok = { errors: {}, slow: {}, p50: 1, p99: 2, seconds: 1 };
    expect(missedTargets([{ phase: 'chaos monkey', sent: 100, failed: 0, ...ok }, { phase: 'chaos gorilla: zone-a down, 1st s', sent: 200, failed: 0, ...ok }], [])).toEqual([]);
    expect(missedTargets([{ phase: 'zookeeper down', sent: 100, failed: 1, ...ok }], [])).toEqual(['zookeeper down: 1 failed (target 0)']);
    expect(missedTargets([{ phase: 'chaos gorilla: zone-a down, 1st s', sent: 100, failed: 1, ...ok }], [])).toEqual(['chaos gorilla: zone-a down, 1st s: 1 failed (target 0)']);
    expect(missedTargets([], ['blob.bin'])).toEqual(['objects not read back byte-identical: blob.bin']);
  });

  it('missedTargets: a zone outage first second within 300 ms at p99, with the requests sent on schedule', () => {
    const first = (sent: number, p99: number) => ({ phase: 'chaos gorilla: zone-a down, 1st s', seconds: 1, minSent: 200, sent, failed: 0, p50: 5, p99, errors: {}, slow: {} });
    expect(missedTargets([first(210, 120)], [])).toEqual([]);
    // A stall: the figures before issue 23's fix (each request waiting about a second), and a load that could not send.
    expect(missedTargets([first(6, 1389)], [])).toEqual([
      'chaos gorilla: zone-a down, 1st s: 6 requests (target: at least the 200 sent on schedule)',
      'chaos gorilla: zone-a down, 1st s: p99 1389 ms (target < 300 ms)',
    ]);
    expect(missedTargets([], [], 2)).toEqual(['between phases: 2 failed (target 0)']);
  });
});
