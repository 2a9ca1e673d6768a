/**
 * Fault suite: the fleet's Redis stopped for 10 s in the middle of a run, then started again
 * with its data (AOF) or without it. Two worker processes and `crawl --wait`, as a user runs
 * them, on a Redis and a PostgreSQL of the suite's own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deadProcesses, endedWithin, openCase, runIdOf, type Case } from './harness/fleet.ts';
import { startPostgres, type TestPostgres } from './harness/services.ts';
import { compareWithTruth, failedJobs, waitForCount } from './harness/truth.ts';

const CLEAN = { lost: [], duplicated: [], worse: [] };
const N = 40;

describe('when Redis is stopped for 10 s during a run on the fleet', () => {
  let pg: TestPostgres;
  let c: Case | undefined;

  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(() => pg?.close());
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  /** Two workers and `crawl --wait`; Redis goes away once a quarter of the questions are stored. */
  async function crawlThroughOutage(persistent: boolean) {
    c = await openCase(pg, { n: N, seed: 51, redis: { persistent }, env: { CRAWL_RATE_PER_SEC: '8' } });
    const workers = [await c.worker(), await c.worker()];
    const crawl = c.cli(['crawl', '--wait']);
    const runId = await runIdOf(crawl);
    await waitForCount(c.t.db, 'SELECT count(*)::int AS n FROM questions', [], N / 4, 60_000);
    await c.redis!.outage(10_000);
    return { c, workers, crawl, runId };
  }

  it('and comes back with its data: every question is stored, no job fails, no process dies, and the run succeeds', async () => {
    const { c, workers, crawl, runId } = await crawlThroughOutage(true);
    const run = await endedWithin(c.t.db, runId, 120_000, workers);
    expect(await failedJobs(c.t.db, runId), 'jobs that did not end well').toEqual([]);
    expect(await compareWithTruth(c.t.db, c.fake)).toEqual(CLEAN);
    expect(run).toMatchObject({ status: 'succeeded', questionsNew: N, questionsFailed: 0 });
    expect(deadProcesses(workers), 'workers that died').toEqual([]);
    const exit = await crawl.waitExit(30_000);
    expect(exit, crawl.describe()).toEqual({ code: 0, signal: null });
  });

  it('and comes back empty: the jobs its queues lost are queued again from the run ledger, every question is stored, and the run succeeds', async () => {
    const { c, workers, crawl, runId } = await crawlThroughOutage(false);
    // Wanted (issue 7): a reaper in the fleet re-enqueues the ledger's unfinished jobs that have no live BullMQ job.
    const run = await endedWithin(c.t.db, runId, 120_000, workers);
    expect(await failedJobs(c.t.db, runId), 'jobs that did not end well').toEqual([]);
    expect(await compareWithTruth(c.t.db, c.fake)).toEqual(CLEAN);
    expect(run).toMatchObject({ status: 'succeeded', questionsNew: N, questionsFailed: 0 });
    expect(deadProcesses(workers), 'workers that died').toEqual([]);
    const exit = await crawl.waitExit(30_000);
    expect(exit, crawl.describe()).toEqual({ code: 0, signal: null });
  });
});
