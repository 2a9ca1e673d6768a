import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAttemptCounters, completeJob, pendingJobs, registerJobs, type JobSpec } from '../../src/store/run-jobs.ts';
import { createRun, getRun } from '../../src/store/runs.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

const discover = (legislature: number): JobSpec => ({ key: `discover-${legislature}`, kind: 'discover', data: { legislature } });
const question = (id: string): JobSpec => ({ key: `q-${id}`, kind: 'fetch-question', data: { id } });
const keys = (jobs: readonly JobSpec[]) => jobs.map((j) => j.key).sort();

describe('the run job ledger', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await pgTestDb();
  });
  afterAll(async () => {
    await t?.drop();
  });
  const newRun = () => createRun(t.db, { legislatures: [8] });
  const run = async (id: number) => (await getRun(t.db, id))!;

  describe('registerJobs', () => {
    it('registers each key once per run, however often it is asked, and counts it once in jobs_total', async () => {
      const id = await newRun();
      expect(keys(await registerJobs(t.db, id, [question('8-1'), question('8-2'), question('8-1')]))).toEqual(['q-8-1', 'q-8-2']);
      await registerJobs(t.db, id, [question('8-2'), question('8-3')]);
      expect((await run(id)).jobsTotal).toBe(3);
      expect(keys(await pendingJobs(t.db, id))).toEqual(['q-8-1', 'q-8-2', 'q-8-3']);
    });

    it('gives back the new jobs and the ones registered before but not finished, to be queued again, and never a finished one', async () => {
      const id = await newRun();
      await registerJobs(t.db, id, [question('8-1'), question('8-2')]);
      await completeJob(t.db, id, 'q-8-1', 'new', {});
      const requeue = await registerJobs(t.db, id, [question('8-1'), question('8-2'), question('8-3')]);
      expect(keys(requeue)).toEqual(['q-8-2', 'q-8-3']);
      expect(requeue.find((j) => j.key === 'q-8-3')).toEqual(question('8-3'));
    });

    it('keeps the same key apart in two runs', async () => {
      const [a, b] = [await newRun(), await newRun()];
      expect(keys(await registerJobs(t.db, a, [question('8-9')]))).toEqual(['q-8-9']);
      expect(keys(await registerJobs(t.db, b, [question('8-9')]))).toEqual(['q-8-9']);
      expect([(await run(a)).jobsTotal, (await run(b)).jobsTotal]).toEqual([1, 1]);
    });

    it('does nothing for no jobs', async () => {
      const id = await newRun();
      expect(await registerJobs(t.db, id, [])).toEqual([]);
      expect((await run(id)).jobsTotal).toBe(0);
    });
  });

  describe('completeJob', () => {
    it("adds a job's counters to its run once, even when the job completes again after a crash", async () => {
      const id = await newRun();
      await registerJobs(t.db, id, [question('8-1'), question('8-2')]);
      const first = await completeJob(t.db, id, 'q-8-1', 'new', { requests: 2, bytes: 900, questionsNew: 1 });
      const again = await completeJob(t.db, id, 'q-8-1', 'new', { requests: 2, bytes: 900, questionsNew: 1 });
      expect(first).toEqual({ counted: true, runFinished: false, status: null });
      expect(again).toEqual({ counted: false, runFinished: false, status: null });
      expect(await run(id)).toMatchObject({ jobsDone: 1, jobsTotal: 2, requests: 2, bytes: 900, questionsNew: 1, status: 'running' });
    });

    it('ignores job totals a job reports about itself', async () => {
      const id = await newRun();
      await registerJobs(t.db, id, [question('8-1'), question('8-2')]);
      await completeJob(t.db, id, 'q-8-1', 'new', { jobsDone: 5, jobsTotal: 5, requests: 1 });
      expect(await run(id)).toMatchObject({ jobsDone: 1, jobsTotal: 2, requests: 1 });
    });

    it('does not count a key that was never registered', async () => {
      const id = await newRun();
      await registerJobs(t.db, id, [question('8-1')]);
      expect(await completeJob(t.db, id, 'q-8-404', 'new', { requests: 1 })).toEqual({ counted: false, runFinished: false, status: null });
      expect(await run(id)).toMatchObject({ jobsDone: 0, requests: 0 });
    });
  });

  describe('when the last job of a run completes', () => {
    async function finishAll(outcomes: [JobSpec, string, Record<string, number>][]) {
      const id = await newRun();
      await registerJobs(t.db, id, outcomes.map(([j]) => j));
      const results = [];
      for (const [job, outcome, counters] of outcomes) results.push(await completeJob(t.db, id, job.key, outcome, counters));
      return { id, results };
    }

    it('ends the run succeeded when every job did', async () => {
      const { id, results } = await finishAll([
        [discover(8), 'queued 2', { requests: 1 }],
        [question('8-1'), 'new', { questionsNew: 1 }],
        [question('8-2'), 'unchanged', { questionsUnchanged: 1 }],
      ]);
      expect(results.map((r) => r.runFinished)).toEqual([false, false, true]);
      expect(results[2]!.status).toBe('succeeded');
      expect(await run(id)).toMatchObject({ status: 'succeeded', error: null, jobsDone: 3, jobsTotal: 3, questionsNew: 1, questionsUnchanged: 1 });
      expect((await run(id)).finishedAt).toBeInstanceOf(Date);
      expect(await pendingJobs(t.db, id)).toEqual([]);
    });

    it('ends the run partial when a question failed', async () => {
      const { id, results } = await finishAll([
        [discover(8), 'queued 2', {}],
        [question('8-1'), 'failed: fr: HTTP 503', { questionsFailed: 1 }],
        [question('8-2'), 'new', { questionsNew: 1 }],
      ]);
      expect(results[2]).toEqual({ counted: true, runFinished: true, status: 'partial' });
      expect(await run(id)).toMatchObject({ status: 'partial', questionsFailed: 1, error: '1 job(s) failed: q-8-1 (failed: fr: HTTP 503)' });
    });

    it('ends the run partial when a job failed without a failed question counted', async () => {
      const { id } = await finishAll([
        [discover(8), 'queued 1', {}],
        [question('8-1'), 'failed: the database went away', {}],
      ]);
      expect((await run(id)).status).toBe('partial');
    });

    it('ends the run failed, with the reason, when a discovery failed', async () => {
      const { id, results } = await finishAll([
        [discover(7), 'queued 1', {}],
        [discover(8), 'failed: listing: HTTP 500', {}],
        [question('7-1'), 'new', { questionsNew: 1 }],
      ]);
      expect(results[2]!.status).toBe('failed');
      expect(await run(id)).toMatchObject({ status: 'failed', error: 'failed: listing: HTTP 500' });
    });

    it('does not end a run that has jobs left', async () => {
      const id = await newRun();
      await registerJobs(t.db, id, [discover(8)]);
      await registerJobs(t.db, id, [question('8-1')]);
      expect((await completeJob(t.db, id, 'discover-8', 'queued 1', {})).runFinished).toBe(false);
      expect(keys(await pendingJobs(t.db, id))).toEqual(['q-8-1']);
      expect((await run(id)).status).toBe('running');
    });
  });

  describe('addAttemptCounters', () => {
    it("adds a retried attempt's requests, 304s and bytes, and nothing else", async () => {
      const id = await newRun();
      await registerJobs(t.db, id, [question('8-1')]);
      await addAttemptCounters(t.db, id, { requests: 3, notModified: 1, bytes: 50, questionsNew: 1, jobsDone: 1 });
      expect(await run(id)).toMatchObject({ requests: 3, notModified: 1, bytes: 50, questionsNew: 0, jobsDone: 0, status: 'running' });
    });
  });
});
