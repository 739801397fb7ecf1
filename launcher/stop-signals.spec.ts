import { afterEach, describe, expect, it, vi } from 'vitest';
import { onStopSignals, SAME_PRESS_MS } from './stop-signals';

describe('onStopSignals', () => {
  let remove: (() => void) | undefined;
  afterEach(() => {
    remove?.();
    vi.useRealTimers();
  });

  it('counts a Ctrl-C that npm forwards (two SIGINTs milliseconds apart) as one press; then still stopping; then force-kill', () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    remove = onStopSignals({ stop: (s) => calls.push(`stop ${s}`), stillStopping: () => calls.push('still'), forceKill: () => calls.push('force') });
    process.emit('SIGINT', 'SIGINT'); // the terminal's
    vi.advanceTimersByTime(3);
    process.emit('SIGINT', 'SIGINT'); // npm's forward of the same press
    expect(calls).toEqual(['stop SIGINT']);
    vi.advanceTimersByTime(SAME_PRESS_MS + 100);
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual(['stop SIGINT', 'still']);
    vi.advanceTimersByTime(SAME_PRESS_MS + 100);
    process.emit('SIGTERM', 'SIGTERM');
    expect(calls).toEqual(['stop SIGINT', 'still', 'force']);
  });

  it('stops on SIGTERM and on SIGHUP (the terminal closed) like on Ctrl-C', () => {
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const calls: string[] = [];
      const off = onStopSignals({ stop: (s) => calls.push(s), stillStopping: () => undefined, forceKill: () => undefined });
      process.emit(signal, signal);
      off();
      expect(calls).toEqual([signal]);
    }
  });
});
