import { defineConfig } from 'vitest/config';

// Two suites: `unit` (*.spec.ts beside the code: fast, no servers) and
// `integration` (test/**/*.test.ts: real ZooKeeper, ffmpeg, Jaeger, child processes).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{core,fop,services,mesh,observability,launcher,bench}/**/*.spec.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration suites start servers; run files one at a time on 2 cores, each in its own fork.
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
