import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getQuestion } from '../../src/store/questions.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess, storedVersusTruth } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

describe('an in-process crawl of the fake Senate', () => {
  let fake: FakeSenate;
  let t: TestDb;

  const crawl = (env: Record<string, string> = {}, full = false, maxAttempts = 5) => crawlInProcess(fake, t.db, { env, full, maxAttempts });

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 40, legislature: 8, seed: 7 }, serving: 'varied', listingPageSize: 15 });
    t = await pgTestDb();
  });
  afterAll(async () => {
    await fake?.close();
    await t?.drop();
  });

  it('stores every question in both languages, equal to the ground truth', async () => {
    const run = await crawl();
    expect(run).toMatchObject({ status: 'succeeded', questionsNew: 40, questionsFailed: 0 });
    const { stored, truth } = await storedVersusTruth(t.db, fake);
    expect(stored).toHaveLength(40);
    expect(stored).toEqual(truth);
  });

  it('on a second run with no change, asks only for the listing and the questions that can still change', async () => {
    fake.clearRequests();
    const run = await crawl();
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM questions WHERE status IN ('pending', 'requalified')
          OR (status = 'answered' AND answer_date >= current_date - 30)`,
    );
    const listingPages = Math.ceil(40 / 15);
    const requests = fake.requests().filter((r) => !r.url.startsWith('/robots.txt'));
    expect(requests.filter((r) => r.url.includes('SVListe'))).toHaveLength(listingPages);
    expect(requests.filter((r) => r.url.includes('SchriftelijkeVraag'))).toHaveLength(2 * rows[0]!.n);
    expect(run).toMatchObject({ status: 'succeeded', questionsNew: 0, questionsChanged: 0, questionsFailed: 0 });
    expect(run.notModified).toBe(requests.length);
  });

  it('stores a question from the archive when the Senate answers 304 for a page it never stored', async () => {
    // The state a worker leaves when it dies after archiving a page and before storing it.
    const id = fake.ids()[5]!;
    await t.db.query('DELETE FROM questions WHERE id = $1', [id]);
    const run = await crawl();
    expect(run).toMatchObject({ status: 'succeeded', questionsNew: 1 });
    expect(run.notModified).toBeGreaterThanOrEqual(2);
    const { stored, truth } = await storedVersusTruth(t.db, fake);
    expect(stored).toEqual(truth);
  });

  it('picks up an answer that arrives in one language, then in the other', async () => {
    const pending = fake.ids().find((id) => fake.groundTruth(id)!.fr.status === 'pending')!;
    fake.answerArrives(pending, { lang: 'nl', date: '2026-11-20', text: 'Het antwoord.' });
    let run = await crawl();
    expect(run).toMatchObject({ questionsChanged: 1, questionsNew: 0 });
    let stored = await getQuestion(t.db, pending);
    expect(stored!.texts.nl!.answer?.text).toBe('Het antwoord.');
    expect(stored!.texts.fr!.answer).toBeNull();
    fake.answerArrives(pending, { lang: 'fr', date: '2026-11-20', text: 'La réponse.' });
    run = await crawl();
    expect(run).toMatchObject({ questionsChanged: 1 });
    stored = await getQuestion(t.db, pending);
    expect(stored!.texts.fr!.answer?.text).toBe('La réponse.');
    const { stored: all, truth } = await storedVersusTruth(t.db, fake);
    expect(all).toEqual(truth);
  });

  describe('when one language keeps failing', () => {
    it('stores the other language, keeps the failing one as it was, and ends the run partial', async () => {
      const id = fake.ids().find((i) => fake.groundTruth(i)!.fr.status === 'pending')!;
      const before = await getQuestion(t.db, id);
      fake.correctSubject(id, 'fr', 'Sujet corrigé');
      fake.correctSubject(id, 'nl', 'Verbeterd onderwerp');
      const nr = id.split('-')[1];
      const broken = fake.fault({ kind: 'status', status: 500, match: `NR=${nr}&LANG=nl` });
      try {
        const run = await crawl({ FETCH_RETRIES: '1' }, false, 2);
        expect(run).toMatchObject({ status: 'partial', questionsFailed: 1 });
        expect(broken.hits).toBe(4);
        const after = await getQuestion(t.db, id);
        expect(after!.texts.fr!.subject).toBe('Sujet corrigé');
        expect(after!.texts.nl).toEqual(before!.texts.nl);
        const { rows } = await t.db.query<{ key: string; outcome: string }>(`SELECT key, outcome FROM run_jobs WHERE run_id = $1 AND outcome LIKE 'failed%'`, [run.id]);
        expect(rows).toEqual([{ key: `q-${id}`, outcome: expect.stringMatching(/^failed: nl: HTTP 500 for http/) }]);
      } finally {
        broken.remove();
      }
      // The next run, with the Senate healthy again, completes the question.
      const healed = await crawl();
      expect(healed.status).toBe('succeeded');
      expect((await getQuestion(t.db, id))!.texts.nl!.subject).toBe('Verbeterd onderwerp');
    });
  });

  it('keeps a question the Senate stops serving, marking it gone only after GONE_AFTER_MISSES misses over GONE_AFTER_DAYS', async () => {
    const victim = fake.ids()[0]!;
    fake.removeQuestion(victim);
    const env = { GONE_AFTER_MISSES: '2', GONE_AFTER_DAYS: '0' };
    const first = await crawl(env, true);
    expect(first.status, 'one miss is not gone: the run reports the question').toBe('partial');
    const { rows } = await t.db.query<{ outcome: string }>(`SELECT outcome FROM run_jobs WHERE run_id = $1 AND key = $2`, [first.id, `q-${victim}`]);
    expect(rows[0]!.outcome).toMatch(/^failed: fr: HTTP 404.*missed on 1 run/);
    expect((await getQuestion(t.db, victim))!.goneSince).toBeNull();

    const second = await crawl(env, true);
    expect(second.status).toBe('succeeded');
    const stored = await getQuestion(t.db, victim);
    expect(stored!.goneSince).toBeInstanceOf(Date);
    expect(stored!.texts.fr!.title).toContain(victim);
  });
});
