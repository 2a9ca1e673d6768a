import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite breaks services on purpose and takes minutes: `npm run test:faults`.
    exclude: ['test/faults/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more forks only thrash. Integration tests isolate themselves by schema and queue prefix.
    pool: 'forks',
    maxWorkers: 2,
  },
});
