import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRequest } from '../../jobs/index.ts';
import { completeJob } from '../../src/store/run-jobs.ts';
import { createRun, getRun } from '../../src/store/runs.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { bullJobId } from '../../workers/bullmq.ts';
import { reapOnce } from '../../workers/reaper.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { fleetClient, type FleetClient } from '../helpers/fleet.ts';

const question = (runId: number, id: string): JobRequest => ({ kind: 'fetch-question', data: { runId, id } });

describe('the reaper', () => {
  let t: TestDb;
  let fleet: FleetClient;
  beforeAll(async () => {
    t = await pgTestDb();
    fleet = fleetClient(t.db);
  });
  afterAll(async () => {
    await fleet?.close();
    await t?.drop();
  });

  const reap = (opts: { minAgeMs?: number; maxRequeues?: number } = {}) => reapOnce({ db: t.db, queues: fleet.queues, logger: silentLogger, minAgeMs: 0, ...opts });
  const state = (runId: number, id: string) => fleet.queues['fetch-question'].getJobState(bullJobId(runId, question(runId, id)));
  /** Redis restarted empty: every entry of the queue is gone. */
  const emptyQueue = () => fleet.queues['fetch-question'].obliterate({ force: true });
  const ledger = async (runId: number) =>
    (await t.db.query<{ key: string; requeues: number; outcome: string | null }>('SELECT key, requeues, outcome FROM run_jobs WHERE run_id = $1 ORDER BY key', [runId])).rows;

  describe('when the queue lost the jobs of a running fleet run', () => {
    let runId: number;
    beforeAll(async () => {
      runId = await createRun(t.db, { legislatures: [8], options: { runner: 'bullmq' } });
      await fleet.enqueue(runId, ['8-1', '8-2', '8-3'].map((id) => question(runId, id)));
      await completeJob(t.db, runId, 'q-8-1', 'new', { questionsNew: 1 });
      await emptyQueue();
    });

    it('leaves jobs younger than its grace alone (they may be on their way to the queue)', async () => {
      expect(await reap({ minAgeMs: 60_000 })).toEqual({ requeued: [], failed: [] });
      expect(await state(runId, '8-2')).toBe('unknown');
    });

    it('queues the unfinished ones again from the ledger, counts the requeue, and leaves the finished one', async () => {
      const report = await reap();
      expect(report.requeued.sort()).toEqual([`${runId}/q-8-2`, `${runId}/q-8-3`]);
      expect(await state(runId, '8-2')).toBe('waiting');
      expect(await state(runId, '8-3')).toBe('waiting');
      expect(await state(runId, '8-1')).toBe('unknown');
      expect(await ledger(runId)).toEqual([
        { key: 'q-8-1', requeues: 0, outcome: 'new' },
        { key: 'q-8-2', requeues: 1, outcome: null },
        { key: 'q-8-3', requeues: 1, outcome: null },
      ]);
    });

    it('does nothing while the jobs are in their queue', async () => {
      expect(await reap()).toEqual({ requeued: [], failed: [] });
      expect((await ledger(runId)).map((j) => j.requeues)).toEqual([0, 1, 1]);
    });

    it('fails a job lost more often than allowed, with the reason, and the run ends partial instead of running for ever', async () => {
      await emptyQueue();
      expect((await reap({ maxRequeues: 2 })).requeued).toHaveLength(2);
      await emptyQueue();
      const report = await reap({ maxRequeues: 2 });
      expect(report.failed.sort()).toEqual([`${runId}/q-8-2`, `${runId}/q-8-3`]);
      expect(report.requeued).toEqual([]);
      const jobs = await ledger(runId);
      expect(jobs.slice(1).map((j) => j.outcome)).toEqual([expect.stringMatching(/^failed: its queue entry was lost 2 times/), expect.stringMatching(/^failed: its queue entry was lost 2 times/)]);
      expect(await getRun(t.db, runId)).toMatchObject({ status: 'partial', questionsNew: 1, questionsFailed: 2, jobsDone: 3, jobsTotal: 3 });
    });
  });

  it('leaves in-process runs alone: their jobs live in their process, not in a queue', async () => {
    const runId = await createRun(t.db, { legislatures: [8], options: { runner: 'in-process', host: 'h', pid: 1 } });
    await t.db.query(`INSERT INTO run_jobs (run_id, key, kind, data) VALUES ($1, 'q-8-9', 'fetch-question', $2::jsonb)`, [runId, JSON.stringify({ runId, id: '8-9' })]);
    const report = await reap();
    expect(report.requeued.filter((k) => k.startsWith(`${runId}/`))).toEqual([]);
    expect(await state(runId, '8-9')).toBe('unknown');
  });
});
