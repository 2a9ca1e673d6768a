import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRecrawlRun, startScheduledCrawl } from '../../jobs/scheduled-run.ts';
import type { JobRequest } from '../../jobs/types.ts';
import { getRun } from '../../src/store/runs.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

describe('scheduled crawls', () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await pgTestDb();
  });
  afterEach(async () => {
    await t.drop();
  });

  describe('when the run was admitted but its jobs could not be queued', () => {
    it('queues them when the due job is retried, and starts no second run', async () => {
      const at = new Date('2026-12-01T02:00:00Z');
      const req = { scheduleId: 'nightly-crawl', scheduledFor: at, legislatures: [8] };
      await expect(startScheduledCrawl(t.db, async () => { throw new Error('Redis went away'); }, req)).rejects.toThrow('Redis went away');
      const queued: [number, JobRequest[]][] = [];
      const again = await startScheduledCrawl(t.db, async (runId, jobs) => void queued.push([runId, jobs]), req);
      expect(again.outcome).toBe('duplicate');
      expect(queued).toEqual([[again.runId, [{ kind: 'discover', data: { runId: again.runId, legislature: 8, full: false } }]]]);
      expect((await getRun(t.db, again.runId))!.jobsTotal).toBe(1);
    });
  });

  describe('when the previous run is still going at the next due time', () => {
    it('is skipped, and queues the unfinished jobs of the running run again (they may have been lost with Redis)', async () => {
      const first = await startScheduledCrawl(t.db, async () => {}, { scheduleId: 'nightly-crawl', scheduledFor: new Date('2026-12-01T02:00:00Z'), legislatures: [8] });
      const queued: [number, JobRequest[]][] = [];
      const next = await startScheduledCrawl(t.db, async (runId, jobs) => void queued.push([runId, jobs]), { scheduleId: 'nightly-crawl', scheduledFor: new Date('2026-12-02T02:00:00Z'), legislatures: [8] });
      expect(next.outcome).toBe('skipped');
      expect(queued).toEqual([[first.runId, [{ kind: 'discover', data: { runId: first.runId, legislature: 8, full: false } }]]]);
    });
  });

  describe('recrawl', () => {
    it('is a run of kind recrawl with one fetch job per distinct id', async () => {
      const queued: JobRequest[] = [];
      const runId = await startRecrawlRun(t.db, async (_id, jobs) => void queued.push(...jobs), ['8-3', '7-12', '8-3']);
      expect(await getRun(t.db, runId)).toMatchObject({ kind: 'recrawl', legislatures: [7, 8], jobsTotal: 2, status: 'running' });
      expect(queued).toEqual([
        { kind: 'fetch-question', data: { runId, id: '8-3' } },
        { kind: 'fetch-question', data: { runId, id: '7-12' } },
      ]);
    });
  });
});
