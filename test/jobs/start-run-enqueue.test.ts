import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrawlRun } from '../../jobs/start-run.ts';
import { listRuns } from '../../src/store/runs.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

describe('starting a crawl run whose jobs cannot be queued', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await pgTestDb();
  });
  afterAll(() => t?.drop());

  it('throws what queueing threw, and the run ends failed with the reason instead of staying running', async () => {
    const unreachable = new Error('Reached the max retries per request limit (which is 3)');
    const started = startCrawlRun(t.db, () => Promise.reject(unreachable), { legislatures: [8], full: false, runner: 'bullmq' });
    await expect(started).rejects.toBe(unreachable);
    const [run] = await listRuns(t.db, 1);
    expect(run).toMatchObject({ status: 'failed', error: 'its jobs could not be queued: Reached the max retries per request limit (which is 3)' });
    expect(run!.finishedAt).not.toBeNull();
  });

  it('does not block the next crawl of the same legislature', async () => {
    const queued: number[] = [];
    const runId = await startCrawlRun(t.db, async (id) => void queued.push(id), { legislatures: [8], full: false, runner: 'bullmq' });
    expect(queued).toEqual([runId]);
  });
});
