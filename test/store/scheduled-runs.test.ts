import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { admitScheduledRun, createRecrawlRun, scheduledRuns, type ScheduledRunSpec } from '../../src/store/scheduled-runs.ts';
import { admitCrawlRun, finishRun, getRun } from '../../src/store/runs.ts';
import { completeJob } from '../../src/store/run-jobs.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

const due = (iso: string) => new Date(iso);

function nightly(scheduledFor: Date, overrides: Partial<ScheduledRunSpec> = {}): ScheduledRunSpec {
  return {
    kind: 'crawl',
    scheduleId: 'nightly-crawl',
    scheduledFor,
    mode: 'incremental',
    legislatures: [8],
    options: { runner: 'bullmq' },
    blockedBy: ['crawl'],
    jobs: (runId) => [{ key: 'discover-8', kind: 'discover', data: { runId, legislature: 8, full: false } }],
    ...overrides,
  };
}

describe('scheduled runs', () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await pgTestDb();
  });
  afterEach(async () => {
    await t.drop();
  });

  describe('when several workers see the same due time', () => {
    it('starts exactly one run; the others get that run back as a duplicate', async () => {
      const at = due('2026-12-01T02:00:00Z');
      const all = await Promise.all(Array.from({ length: 6 }, () => admitScheduledRun(t.db, nightly(at))));
      const started = all.filter((a) => a.outcome === 'started');
      expect(started).toHaveLength(1);
      expect(all.filter((a) => a.outcome === 'duplicate').map((a) => a.runId)).toEqual(Array(5).fill(started[0]!.runId));
      const runs = await scheduledRuns(t.db, 'nightly-crawl');
      expect(runs).toEqual([{ id: started[0]!.runId, scheduledFor: at, status: 'running', error: null }]);
      expect((await getRun(t.db, started[0]!.runId))!.jobsTotal).toBe(1);
    });

    it('still makes one run for a due time whose run has already ended', async () => {
      const at = due('2026-12-01T02:00:00Z');
      const first = await admitScheduledRun(t.db, nightly(at));
      await completeJob(t.db, first.runId, 'discover-8', 'queued 0', {});
      expect((await getRun(t.db, first.runId))!.status).toBe('succeeded');
      const again = await admitScheduledRun(t.db, nightly(at));
      expect(again).toEqual({ outcome: 'duplicate', runId: first.runId });
    });
  });

  describe('when the previous run is still going at the next due time', () => {
    it('records the next due time as skipped, naming the running run, and starts no second run', async () => {
      const first = await admitScheduledRun(t.db, nightly(due('2026-12-01T02:00:00Z')));
      expect(first.outcome).toBe('started');
      const next = await admitScheduledRun(t.db, nightly(due('2026-12-02T02:00:00Z')));
      expect(next.outcome).toBe('skipped');
      const skipped = (await getRun(t.db, next.runId))!;
      expect(skipped).toMatchObject({ status: 'skipped', jobsTotal: 0 });
      expect(skipped.finishedAt).not.toBeNull();
      expect(skipped.error).toContain(`run ${first.runId}`);
      // The skipped due time stays skipped: seen again (a restarted worker), it is a duplicate.
      expect(await admitScheduledRun(t.db, nightly(due('2026-12-02T02:00:00Z')))).toEqual({ outcome: 'duplicate', runId: next.runId });
      const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM crawl_runs WHERE status = 'running'`);
      expect(rows[0]!.n).toBe(1);
    });

    it('is skipped too when a crawl started by hand covers the legislature, and not when it covers another', async () => {
      const manual = await admitCrawlRun(t.db, { mode: 'incremental', legislatures: [8], options: { runner: 'bullmq' }, jobs: (runId) => [{ key: 'discover-8', kind: 'discover', data: { runId } }] });
      expect(manual.admitted).toBe(true);
      expect((await admitScheduledRun(t.db, nightly(due('2026-12-01T02:00:00Z')))).outcome).toBe('skipped');
      expect((await admitScheduledRun(t.db, nightly(due('2026-12-01T02:00:00Z'), { legislatures: [7] }))).outcome).toBe('duplicate');
      expect((await admitScheduledRun(t.db, nightly(due('2026-12-03T02:00:00Z'), { legislatures: [7] }))).outcome).toBe('started');
    });

    it('starts again once the previous run has ended', async () => {
      const first = await admitScheduledRun(t.db, nightly(due('2026-12-01T02:00:00Z')));
      await finishRun(t.db, first.runId, 'failed', 'test');
      await completeJob(t.db, first.runId, 'discover-8', 'failed: x', {});
      expect((await admitScheduledRun(t.db, nightly(due('2026-12-02T02:00:00Z')))).outcome).toBe('started');
    });
  });

  describe('a watch run', () => {
    const watch = (at: Date, jobs: number): ScheduledRunSpec =>
      nightly(at, { kind: 'watch', scheduleId: 'answer-watch', blockedBy: ['watch'], jobs: (runId) => Array.from({ length: jobs }, (_, i) => ({ key: `q-8-${i + 1}`, kind: 'fetch-question', data: { runId, id: `8-${i + 1}` } })) });

    it('with nothing to fetch ends at once, succeeded', async () => {
      const a = await admitScheduledRun(t.db, watch(due('2026-12-01T02:15:00Z'), 0));
      expect(a).toEqual({ outcome: 'started', runId: a.runId, jobs: 0 });
      expect((await getRun(t.db, a.runId))!.status).toBe('succeeded');
    });

    it('is not blocked by a running crawl, only by a running watch', async () => {
      await admitScheduledRun(t.db, nightly(due('2026-12-01T02:00:00Z')));
      const w1 = await admitScheduledRun(t.db, watch(due('2026-12-01T02:15:00Z'), 3));
      expect(w1.outcome).toBe('started');
      expect((await admitScheduledRun(t.db, watch(due('2026-12-01T02:30:00Z'), 3))).outcome).toBe('skipped');
    });
  });

  describe('a recrawl run', () => {
    it('is created with its jobs even while a crawl of the same legislature runs', async () => {
      await admitScheduledRun(t.db, nightly(due('2026-12-01T02:00:00Z')));
      const runId = await createRecrawlRun(t.db, { legislatures: [8], options: {}, jobs: (id) => [{ key: 'q-8-1', kind: 'fetch-question', data: { runId: id, id: '8-1' } }] });
      expect(await getRun(t.db, runId)).toMatchObject({ kind: 'recrawl', status: 'running', jobsTotal: 1 });
    });
  });
});
