import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): each case starts its own Redis, PostgreSQL and CLI
 * processes and breaks them on purpose, so files run one at a time (two cores) with long
 * bounds. FAULTS_LONG=0 skips the cases that take minutes by nature (PostgreSQL down 60 s).
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/faults/harness/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
