import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more forks only thrash. Integration tests isolate themselves by schema and queue prefix.
    pool: 'forks',
    maxWorkers: 2,
  },
});
