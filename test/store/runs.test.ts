import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToRun, createRun, finishRun, getRun, listRuns } from '../../src/store/runs.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

describe('listRuns', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await pgTestDb();
  });
  afterAll(async () => {
    await t?.drop();
  });

  describe('when there are more runs than asked for', () => {
    it('gives the newest first, each as getRun reads it', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) ids.push(await createRun(t.db, { legislatures: [8], mode: i % 2 ? 'full' : 'incremental' }));
      await addToRun(t.db, ids[2]!, { requests: 7, questionsNew: 3 });
      await finishRun(t.db, ids[2]!, 'partial', 'one question failed');

      const runs = await listRuns(t.db, 3);

      expect(runs.map((r) => r.id)).toEqual([ids[3], ids[2], ids[1]]);
      expect(runs[1]).toEqual(await getRun(t.db, ids[2]!));
      expect(runs[1]).toMatchObject({ status: 'partial', requests: 7, questionsNew: 3, error: 'one question failed', mode: 'incremental' });
      expect(runs[1]!.durationMs).toBeGreaterThanOrEqual(0);
      expect(runs[0]).toMatchObject({ status: 'running', finishedAt: null, durationMs: null });
    });
  });

  describe('when there is no run', () => {
    it('gives an empty list', async () => {
      const empty = await pgTestDb();
      try {
        expect(await listRuns(empty.db, 10)).toEqual([]);
      } finally {
        await empty.drop();
      }
    });
  });
});
