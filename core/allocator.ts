/**
 * The memory allocator for processes that run sharp/libvips. glibc's malloc fragments under
 * libvips' many threads (a 10-minute soak grew an image service's RSS by a third with
 * MALLOC_ARENA_MAX=2), and sharp limits itself to one libvips thread when it detects glibc.
 * jemalloc (Debian package libjemalloc2), preloaded, is what sharp's documentation recommends.
 * LD_PRELOAD must be set before the process starts, so launchers (test harness, npm start,
 * the container image) ask allocatorEnv() for the variables to add.
 */
import { existsSync } from 'node:fs';

/** Where Debian and others install jemalloc's shared library. */
export const JEMALLOC_LIBRARIES = [
  '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2',
  '/usr/lib64/libjemalloc.so.2',
  '/usr/lib/libjemalloc.so.2',
];

/**
 * allocatorEnv: LD_PRELOAD of jemalloc when it is installed, else MALLOC_ARENA_MAX=2 (glibc's
 * best setting for libvips). An LD_PRELOAD the operator already set is left alone.
 */
export function allocatorEnv(env: Record<string, string | undefined> = process.env, exists: (file: string) => boolean = existsSync): Record<string, string> {
  if (env.LD_PRELOAD) return {};
  const lib = JEMALLOC_LIBRARIES.find((file) => exists(file));
  return lib ? { LD_PRELOAD: lib } : { MALLOC_ARENA_MAX: '2' };
}

/** allocatorInUse names this process's allocator, for the start-up log. */
export function allocatorInUse(env: Record<string, string | undefined> = process.env): string {
  if (env.LD_PRELOAD?.includes('jemalloc')) return 'jemalloc';
  return env.MALLOC_ARENA_MAX ? `glibc (MALLOC_ARENA_MAX=${env.MALLOC_ARENA_MAX})` : 'glibc (set MALLOC_ARENA_MAX=2 or install libjemalloc2)';
}
