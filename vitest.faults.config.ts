/**
 * The fault suite (test/faults/**): killed workers, dropped connections, a misbehaving Senate.
 * Slow and disruptive by design, so not part of `npm test`: run it with `npm run test:faults`.
 */
import { defineConfig } from 'vitest/config';
import { FAULTS } from './vitest.config.ts';

export default defineConfig({
  test: {
    include: FAULTS,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    passWithNoTests: true,
  },
});
