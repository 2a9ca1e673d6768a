import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRequest } from '../../jobs/index.ts';
import { registerJobs } from '../../src/store/run-jobs.ts';
import { createRun, getRun } from '../../src/store/runs.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { createInProcessRunner } from '../../workers/in-process.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { testConfig, testFetcher } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

describe('the in-process runner', () => {
  let fake: FakeSenate;
  let t: TestDb;
  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 3, legislature: 8, seed: 9 } });
    t = await pgTestDb();
  });
  afterAll(async () => {
    await fake?.close();
    await t?.drop();
  });

  it('before it says it is idle, runs the unfinished ledger jobs of its run that never reached it, so the run ends', async () => {
    const config = testConfig(fake, { CRAWL_RATE_PER_SEC: '0' });
    const fetcher = testFetcher(config);
    const runner = createInProcessRunner({ config, db: t.db, fetcher, logger: silentLogger, concurrency: 2, backoffMs: () => 50 });
    try {
      const [a, b] = fake.ids() as [string, string];
      const runId = await createRun(t.db, { legislatures: [8], options: { runner: 'in-process' } });
      const job = (id: string): JobRequest => ({ kind: 'fetch-question', data: { runId, id } });
      // Registered by an attempt that the database cut off before it could queue it here.
      await registerJobs(t.db, runId, [{ key: `q-${a}`, kind: 'fetch-question', data: job(a).data }]);
      await runner.enqueue(runId, [job(b)]);
      await runner.drain();
      const run = (await getRun(t.db, runId))!;
      expect(run).toMatchObject({ status: 'succeeded', jobsTotal: 2, jobsDone: 2, questionsNew: 2, questionsFailed: 0 });
    } finally {
      await runner.close();
      await fetcher.close();
    }
  });
});
