/**
 * Fault suite: PostgreSQL stopped in the middle of a run, for 10 s (a restart) and for 60 s
 * (an outage), under the BullMQ fleet and under an in-process crawl. No process may die of a
 * transient outage, no job may spend its attempts on it, and the run must end as if nothing
 * had happened. FAULTS_LONG=0 skips the 60 s case.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deadProcesses, endedWithin, newRunId, openCase, runIdOf, type Case } from './harness/fleet.ts';
import { startPostgres, type TestPostgres } from './harness/services.ts';
import { compareWithTruth, failedJobs, waitForCount, waitForRunEnd } from './harness/truth.ts';

const CLEAN = { lost: [], duplicated: [], worse: [] };
const N = 40;
const LONG = process.env.FAULTS_LONG !== '0';

describe('when PostgreSQL is stopped during a run', () => {
  let pg: TestPostgres;
  let c: Case | undefined;

  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(() => pg?.close());
  afterEach(async () => {
    // A failed case may leave the server stopped; the next one needs it.
    await c?.close();
    c = undefined;
    await pg.start();
  });

  const stored = 'SELECT count(*)::int AS n FROM questions';

  /**
   * Two workers and `crawl --wait`; PostgreSQL goes away once a quarter of the questions are
   * stored. `busy`: no rate limit and many questions, so that the workers are inside
   * transactions when the server goes (where an unhandled client 'error' kills a process).
   */
  async function fleetThroughOutage(downMs: number, mode: 'fast' | 'immediate', busy: boolean) {
    const n = busy ? 120 : N;
    c = await openCase(pg, { n, seed: 61, redis: { persistent: true }, env: { CRAWL_RATE_PER_SEC: busy ? '0' : '8' }, fake: { latencyMs: busy ? 20 : 0 } });
    const workers = [await c.worker(), await c.worker()];
    const crawl = c.cli(['crawl', '--wait']);
    const runId = await runIdOf(crawl);
    await waitForCount(c.t.db, stored, [], n / 4, 60_000);
    await pg.outage(downMs, mode);
    const run = await endedWithin(c.t.db, runId, 150_000, workers);
    return { c, workers, crawl, run, n };
  }

  async function expectUnharmed(c: Case, run: Awaited<ReturnType<typeof waitForRunEnd>>, n = N) {
    expect(await failedJobs(c.t.db, run.id), 'jobs that did not end well').toEqual([]);
    expect(await compareWithTruth(c.t.db, c.fake)).toEqual(CLEAN);
    expect(run).toMatchObject({ status: 'succeeded', questionsNew: n, questionsFailed: 0 });
  }

  describe('on the fleet', () => {
    it('for 10 s (a fast shutdown): no worker dies, no job fails, and the run succeeds', async () => {
      const { c, workers, crawl, run, n } = await fleetThroughOutage(10_000, 'fast', true);
      expect(deadProcesses(workers), 'workers that died').toEqual([]);
      await expectUnharmed(c, run, n);
      expect(await crawl.waitExit(30_000), crawl.describe()).toEqual({ code: 0, signal: null });
    });

    it.skipIf(!LONG)('for 60 s (a crash): workers pause taking jobs instead of spending their attempts, and the run succeeds', async () => {
      const { c, workers, crawl, run } = await fleetThroughOutage(60_000, 'immediate', false);
      expect(deadProcesses(workers), 'workers that died').toEqual([]);
      await expectUnharmed(c, run);
      expect(await crawl.waitExit(30_000), crawl.describe()).toEqual({ code: 0, signal: null });
    }, 330_000);
  });

  describe('under an in-process crawl', () => {
    it('for 10 s (a crash): the crawl process does not die, and the run succeeds', async () => {
      c = await openCase(pg, { n: N, seed: 62, env: { CRAWL_RATE_PER_SEC: '8' } });
      const crawl = c.cli(['crawl']);
      const runId = await newRunId(c.t.db, 0);
      await waitForCount(c.t.db, stored, [], N / 4, 60_000);
      await pg.outage(10_000, 'immediate');
      const exit = await crawl.waitExit(120_000);
      expect(exit, crawl.describe()).toEqual({ code: 0, signal: null });
      await expectUnharmed(c, await waitForRunEnd(c.t.db, runId, 10_000));
    });
  });
});
