/**
 * Fault suite: processes that die or are told to stop in the middle of a run: a worker
 * SIGKILLed and another started, an in-process crawl SIGKILLed and started again, a worker
 * stopped (SIGTERM) while its jobs outlive SHUTDOWN_TIMEOUT_MS, an in-process crawl
 * interrupted (SIGINT). Nothing lost, nothing counted twice, and every run ends true.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../src/store/runs.ts';
import { deadProcesses, newRunId, openCase, runIdOf, type Case } from './harness/fleet.ts';
import { QUESTION_PAGES, requestsFor } from './harness/pages.ts';
import { startPostgres, type TestPostgres } from './harness/services.ts';
import { allRuns, compareWithTruth, failedJobs, waitForCount, waitForRunEnd } from './harness/truth.ts';

const CLEAN = { lost: [], duplicated: [], worse: [] };
const N = 40;
const stored = 'SELECT count(*)::int AS n FROM questions';

describe('when a process stops in the middle of a run', () => {
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

  it('a worker SIGKILLed and another started: its jobs are taken over, nothing is lost or counted twice, the run succeeds', async () => {
    c = await openCase(pg, { n: N, seed: 71, redis: { persistent: true }, env: { CRAWL_RATE_PER_SEC: '8' } });
    const [victim, survivor] = [await c.worker(), await c.worker()];
    const crawl = c.cli(['crawl', '--wait']);
    const runId = await runIdOf(crawl);
    await waitForCount(c.t.db, stored, [], N / 4, 60_000);
    victim!.kill('SIGKILL');
    await victim!.exited;
    const replacement = await c.worker();

    const run = await waitForRunEnd(c.t.db, runId, 120_000);
    expect(await failedJobs(c.t.db, runId), 'jobs that did not end well').toEqual([]);
    expect(await compareWithTruth(c.t.db, c.fake)).toEqual(CLEAN);
    expect(run).toMatchObject({ status: 'succeeded', questionsNew: N, questionsFailed: 0, jobsTotal: N + 1, jobsDone: N + 1 });
    expect(deadProcesses([survivor!, replacement]), 'workers that died').toEqual([]);
    expect(await crawl.waitExit(30_000), crawl.describe()).toEqual({ code: 0, signal: null });
  });

  it('an in-process crawl SIGKILLed and started again: the second run stores everything, the first is not left running', async () => {
    c = await openCase(pg, { n: N, seed: 72, env: { CRAWL_RATE_PER_SEC: '8' } });
    const first = c.cli(['crawl']);
    const firstRun = await newRunId(c.t.db, 0);
    await waitForCount(c.t.db, stored, [], N / 4, 60_000);
    first.kill('SIGKILL');
    await first.exited;

    const second = c.cli(['crawl']);
    expect(await second.waitExit(120_000), second.describe()).toEqual({ code: 0, signal: null });
    expect(await compareWithTruth(c.t.db, c.fake)).toEqual(CLEAN);
    const runs = await allRuns(c.t.db);
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [firstRun, 'cancelled'],
      [firstRun + 1, 'succeeded'],
    ]);
    // A question the killed run stored without finishing its job is counted by neither run, never by both.
    expect(runs[0]!.questionsNew + runs[1]!.questionsNew, 'questions counted new over both runs').toBeLessThanOrEqual(N);
  });

  it('a worker told to stop (SIGTERM) while its jobs outlive SHUTDOWN_TIMEOUT_MS: the jobs go back to the queue untouched, another worker does them, none is recorded failed', async () => {
    c = await openCase(pg, { n: 12, seed: 73, redis: { persistent: true }, env: { CRAWL_RATE_PER_SEC: '0', SHUTDOWN_TIMEOUT_MS: '1000', FETCH_TIMEOUT_MS: '20000' } });
    // Every question page takes 4 s: jobs are in flight when the deadline passes.
    const slow = c.fake.fault({ kind: 'slow', delayMs: 4_000, match: QUESTION_PAGES });
    const stopping = await c.worker();
    const crawl = c.cli(['crawl', '--wait']);
    const runId = await runIdOf(crawl);
    await waitForCount(c.t.db, `SELECT count(*)::int AS n FROM fetches WHERE kind = 'listing'`, [], 1, 60_000);
    await new Promise((r) => setTimeout(r, 1_500));
    stopping.kill('SIGTERM');
    const stopped = await stopping.waitExit(20_000);
    expect(stopped, `the worker after SIGTERM: ${stopping.describe()}`).toEqual({ code: 0, signal: null });
    expect(await failedJobs(c.t.db, runId).then((f) => f.filter((j) => !j.endsWith('(unfinished)'))), 'jobs recorded as ended badly by the shutdown').toEqual([]);

    slow.remove();
    await c.worker();
    const run = await waitForRunEnd(c.t.db, runId, 120_000);
    expect(await failedJobs(c.t.db, runId), 'jobs that did not end well').toEqual([]);
    expect(await compareWithTruth(c.t.db, c.fake)).toEqual(CLEAN);
    expect(run).toMatchObject({ status: 'succeeded', questionsNew: 12, questionsFailed: 0 });
    expect(await crawl.waitExit(30_000), crawl.describe()).toEqual({ code: 0, signal: null });
  });

  it('an in-process crawl interrupted (SIGINT): the run ends cancelled, its unfinished jobs counted cancelled, none failed', async () => {
    c = await openCase(pg, { n: 20, seed: 74, env: { CRAWL_RATE_PER_SEC: '0', FETCH_TIMEOUT_MS: '20000' } });
    c.fake.fault({ kind: 'slow', delayMs: 3_000, match: QUESTION_PAGES });
    const crawl = c.cli(['crawl']);
    const runId = await newRunId(c.t.db, 0);
    await waitForCount(c.t.db, `SELECT count(*)::int AS n FROM fetches WHERE kind = 'listing'`, [], 1, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    crawl.kill('SIGINT');
    const exit = await crawl.waitExit(20_000);
    expect(exit, crawl.describe()).toEqual({ code: 1, signal: null });
    const run = (await getRun(c.t.db, runId))!;
    expect(run).toMatchObject({ status: 'cancelled', questionsFailed: 0 });
    expect(await failedJobs(c.t.db, runId).then((f) => f.filter((j) => / failed/.test(j))), 'jobs recorded failed by the interruption').toEqual([]);
    // The jobs whose pages were being fetched when the signal came: cut short, so counted cancelled.
    const cut = c.fake.ids().filter((id) => requestsFor(c!.fake, id) > 0);
    expect(cut.length, 'jobs in flight at the signal (a precondition)').toBeGreaterThan(0);
    const { rows } = await c.t.db.query<{ key: string; outcome: string | null }>('SELECT key, outcome FROM run_jobs WHERE run_id = $1 AND key = ANY($2::text[]) ORDER BY key', [
      runId,
      cut.map((id) => `q-${id}`),
    ]);
    expect(rows.filter((r) => r.outcome !== 'cancelled').map((r) => `${r.key}: ${r.outcome ?? '(unfinished)'}`), 'jobs cut short and not counted cancelled').toEqual([]);
  });
});
