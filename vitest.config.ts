/**
 * Three tiers, by what a test file needs (README, "Run the tests"):
 *   unit         no services, no child processes: `npm run test:unit`, the quick loop (< 15 s)
 *   integration  real PostgreSQL and Redis, the embedded database, in this process
 *   e2e          child processes (CLI, workers, the compiled bin) and Chromium
 * `npm test` runs all three. A new test file is integration unless listed in unit or e2e, so
 * it always runs somewhere. test/faults/** is the fault suite: `npm run test:faults`
 * (vitest.faults.config.ts, with its own harness), never part of `npm test`.
 */
import { defineConfig } from 'vitest/config';

const UNIT = [
  'test/senate/**/*.test.ts',
  'test/fake-senate/**/*.test.ts',
  'test/config/**/*.test.ts',
  'test/text/**/*.test.ts',
  'test/crawl/errors.test.ts',
  'test/crawl/http-fetcher.test.ts',
  'test/jobs/retry-policy.test.ts',
  'test/cli/main.test.ts',
  'test/cli/options.test.ts',
  'test/cli/parse.test.ts',
  'test/cli/signals.test.ts',
  'test/cli/table.test.ts',
  'test/cli/monitoring-options.test.ts',
  'test/notify/signature.test.ts',
  'test/notify/retry-schedule.test.ts',
  'test/http/atom.test.ts',
  'test/export/format.test.ts',
  'test/jobs/judge-run-rules.test.ts',
  'test/http/sanitize.test.ts',
];

const E2E = [
  'test/cli/compiled-bin.test.ts',
  'test/cli/crawl-shared-db.test.ts',
  'test/cli/crawl-signals.test.ts',
  'test/cli/events-follow.test.ts',
  'test/cli/lazy-commands.test.ts',
  'test/crawl/browser-fetcher.test.ts',
  'test/http/dashboard-browser.test.ts',
  'test/crawl/fleet-budget.test.ts',
  'test/fleet/browser.test.ts',
  'test/fleet/bullmq.test.ts',
  'test/fleet/schedule-workers.test.ts',
  'test/fleet/worker-webhooks.test.ts',
  'test/http/serve.test.ts',
  'test/fleet/worker-metrics.test.ts',
  'test/jobs/reparse.test.ts',
  'test/store/migrate.test.ts',
  'test/store/db-outage.test.ts',
];

const FAULTS = ['test/faults/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Child processes and temporary directories a timed-out test left are killed and removed.
    globalSetup: ['test/helpers/global-setup.ts'],
    hookTimeout: 120_000,
    // Two cores: more forks only thrash. Integration tests isolate themselves by schema and queue prefix.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, testTimeout: 15_000 } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: [...UNIT, ...E2E, ...FAULTS] } },
      { extends: true, test: { name: 'e2e', include: E2E } },
    ],
  },
});
