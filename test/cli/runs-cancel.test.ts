import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeJob, registerJobs } from '../../src/store/run-jobs.ts';
import { createRun, getRun } from '../../src/store/runs.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from './run-cli.ts';

describe('senate-questions runs cancel', () => {
  let t: TestDb;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await pgTestDb();
    env = { DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema };
  });
  afterAll(() => t?.drop());

  const outcomes = async (runId: number) =>
    (await t.db.query<{ key: string; outcome: string | null }>('SELECT key, outcome FROM run_jobs WHERE run_id = $1 ORDER BY key', [runId])).rows.map((r) => `${r.key}: ${r.outcome}`);

  describe('of a run that is stuck running', () => {
    let runId: number;
    beforeAll(async () => {
      runId = await createRun(t.db, { legislatures: [8], options: { runner: 'bullmq' } });
      await registerJobs(t.db, runId, ['8-1', '8-2', '8-3'].map((id) => ({ key: `q-${id}`, kind: 'fetch-question', data: { runId, id } })));
      await completeJob(t.db, runId, 'q-8-1', 'new', { questionsNew: 1 });
    });

    it('ends it cancelled with the reason given, its unfinished jobs counted cancelled, and says so (exit 0)', async () => {
      const r = await runCli(['runs', 'cancel', String(runId), '--reason', 'no worker for a day'], { env });
      expect(r, r.stderr).toMatchObject({ code: 0 });
      expect(r.stdout).toMatch(new RegExp(`run ${runId} cancelled: 2 unfinished job\\(s\\) counted cancelled`));
      expect(await getRun(t.db, runId)).toMatchObject({ status: 'cancelled', error: 'no worker for a day', questionsNew: 1 });
      expect((await getRun(t.db, runId))!.finishedAt).not.toBeNull();
      expect(await outcomes(runId)).toEqual(['q-8-1: new', 'q-8-2: cancelled', 'q-8-3: cancelled']);
    });

    it('a second time says it has already ended and changes nothing (exit 0)', async () => {
      const r = await runCli(['runs', 'cancel', String(runId)], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/already ended cancelled/);
      expect(await getRun(t.db, runId)).toMatchObject({ status: 'cancelled', error: 'no worker for a day' });
    });

    it('`runs` lists it as cancelled, with its options still working', async () => {
      const r = await runCli(['runs', '-n', '1'], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^run ${runId} cancelled`));
    });
  });

  it('leaves a run that ended as it was', async () => {
    const runId = await createRun(t.db, { legislatures: [8] });
    await registerJobs(t.db, runId, [{ key: 'q-8-5', kind: 'fetch-question', data: { runId, id: '8-5' } }]);
    await completeJob(t.db, runId, 'q-8-5', 'new', { questionsNew: 1 });
    const r = await runCli(['runs', 'cancel', String(runId)], { env });
    expect(r.code).toBe(0);
    expect((await getRun(t.db, runId))!.status).toBe('succeeded');
  });

  it.each([
    ['a run that does not exist', ['runs', 'cancel', '987654'], /there is no run 987654/],
    ['an id that is not a number', ['runs', 'cancel', 'x'], /whole number/],
    ['no id', ['runs', 'cancel'], /missing required argument/],
  ])('exits 2 for %s, saying what is wrong', async (_what, args, message) => {
    const r = await runCli(args, { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
