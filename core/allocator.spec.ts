import { describe, expect, it } from 'vitest';
import { allocatorEnv, allocatorInUse, JEMALLOC_LIBRARIES } from './allocator';

describe('allocatorEnv', () => {
  it('preloads jemalloc when it is installed', () => {
    expect(allocatorEnv({}, (f) => f === JEMALLOC_LIBRARIES[1])).toEqual({ LD_PRELOAD: JEMALLOC_LIBRARIES[1] });
  });
  it('falls back to two glibc arenas without it', () => {
    expect(allocatorEnv({}, () => false)).toEqual({ MALLOC_ARENA_MAX: '2' });
  });
  it("leaves an operator's LD_PRELOAD alone", () => {
    expect(allocatorEnv({ LD_PRELOAD: '/opt/tcmalloc.so' }, () => true)).toEqual({});
  });
  it('names the allocator in use', () => {
    expect(allocatorInUse({ LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2' })).toBe('jemalloc');
    expect(allocatorInUse({ MALLOC_ARENA_MAX: '2' })).toBe('glibc (MALLOC_ARENA_MAX=2)');
  });
});
