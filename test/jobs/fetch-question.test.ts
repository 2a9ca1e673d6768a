import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refetchCandidates, getQuestion } from '../../src/store/questions.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess, testConfig } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

/** Replaces archived bodies with bytes that do not unzip: reading one fails the page. */
async function spoilArchivedBodies(t: TestDb, exceptQuestion: string): Promise<number> {
  const { rowCount } = await t.db.query(
    `UPDATE fetch_bodies SET body = '\\x00'::bytea
      WHERE sha256 IN (SELECT sha256 FROM fetches WHERE question_id IS DISTINCT FROM $1 AND sha256 IS NOT NULL)`,
    [exceptQuestion],
  );
  return rowCount;
}

describe('fetch-question', () => {
  let fake: FakeSenate;
  let t: TestDb;
  let candidates: string[];

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 10, legislature: 8, seed: 21 } });
    t = await pgTestDb();
    expect(await crawlInProcess(fake, t.db)).toMatchObject({ status: 'succeeded', questionsNew: 10 });
    candidates = await refetchCandidates(t.db, 8, testConfig(fake).recentAnswerDays);
  });
  afterAll(async () => {
    await fake?.close();
    await t?.drop();
  });

  describe('when both pages answer 304, and when one language changed', () => {
    it('reads no archived body for an unchanged question, and parses the archived copy of the other language of a changed one', async () => {
      expect(candidates.length).toBeGreaterThan(1);
      const changed = candidates[0]!;
      fake.correctSubject(changed, 'nl', 'Een verbeterd onderwerp');
      // Every body but the changed question's is now unreadable: a 304 that loaded it would fail its job.
      expect(await spoilArchivedBodies(t, changed)).toBeGreaterThan(0);

      const run = await crawlInProcess(fake, t.db);

      expect(run).toMatchObject({ status: 'succeeded', questionsFailed: 0, questionsChanged: 1, questionsUnchanged: candidates.length - 1 });
      expect(run.notModified).toBe(2 * candidates.length - 1); // every question page but the changed one
      const stored = await getQuestion(t.db, changed);
      const truth = fake.groundTruth(changed)!;
      expect(stored!.texts.nl!.subject).toBe('Een verbeterd onderwerp');
      // The French text came from the archive (the French page answered 304) and is kept whole.
      expect(stored!.texts.fr!.subject).toBe(truth.fr.subject);
      expect(stored!.texts.fr!.questionText).toBe(truth.fr.questionText);
    });
  });
});
