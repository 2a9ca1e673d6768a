import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuestionPage } from '../../src/senate/question-page.ts';
import { questionUrl } from '../../src/senate/urls.ts';
import { getMiss } from '../../src/store/misses.ts';
import { refetchCandidates, getQuestion } from '../../src/store/questions.ts';
import { get } from '../fake-senate/http-client.ts';
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

describe('fetch-question, judging what it fetched', () => {
  let fake: FakeSenate;
  let t: TestDb;
  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 12, legislature: 8, seed: 22 }, serving: 'varied' });
    t = await pgTestDb();
  });
  afterAll(async () => {
    await fake?.close();
    await t?.drop();
  });

  const nlPage = (id: string) => new RegExp(`SchriftelijkeVraag&LEG=8&NR=${id.split('-')[1]}&LANG=nl$`);
  const validatorsOf = async (url: string) => (await t.db.query<{ sha256: string }>('SELECT sha256 FROM http_validators WHERE url = $1', [url])).rows[0]?.sha256 ?? null;

  /** An id and a cut whose NL page, changed and cut short with its tags closed, still parses, with less text. */
  async function shortenable(): Promise<{ id: string; at: number }> {
    for (const id of fake.ids()) {
      for (const at of [0.95, 0.9, 0.85, 0.8]) {
        const once = fake.fault({ kind: 'truncate', then: 'close', at, match: nlPage(id), count: 1 });
        const r = await get(questionUrl(fake.url, id, 'nl'));
        once.remove();
        const ct = r.headers['content-type'];
        const parsed = parseQuestionPage({ body: r.body, contentType: typeof ct === 'string' ? ct : null, lang: 'nl', expectedId: id });
        const truth = fake.groundTruth(id)!.nl;
        const less = (a?: string, b?: string) => (a ?? '').length < (b ?? '').length;
        if (parsed.ok && (less(parsed.page.questionText, truth.questionText) || less(parsed.page.answer?.text, truth.answer?.text))) return { id, at };
      }
    }
    throw new Error('no page of the fake Senate reads as less when cut');
  }

  it('holds back a changed page that reads worse than the stored record: archived, not stored, its validators not saved, reported; the next run stores it', async () => {
    expect((await crawlInProcess(fake, t.db)).status, 'the clean first crawl (a precondition)').toBe('succeeded');
    const { id, at } = await shortenable();
    const url = questionUrl(fake.url, id, 'nl');
    const before = await getQuestion(t.db, id);
    const validatorsBefore = await validatorsOf(url);
    expect(validatorsBefore, 'validators of the clean page (a precondition)').not.toBeNull();

    fake.correctSubject(id, 'nl', 'Een verbeterd onderwerp');
    const cut = fake.fault({ kind: 'truncate', then: 'close', at, match: nlPage(id) });
    const run = await crawlInProcess(fake, t.db, { full: true, maxAttempts: 2 });
    cut.remove();

    expect(run).toMatchObject({ status: 'partial', questionsFailed: 1 });
    expect(run.error).toContain(`q-${id}`);
    const { rows } = await t.db.query<{ outcome: string }>('SELECT outcome FROM run_jobs WHERE run_id = $1 AND key = $2', [run.id, `q-${id}`]);
    expect(rows[0]!.outcome).toMatch(/^failed: nl: held back, worse than the stored record: (answer|question text) (is cut short|lost)/);
    expect((await getQuestion(t.db, id))!.texts.nl).toEqual(before!.texts.nl);
    expect(await validatorsOf(url), 'validators of the held-back page').toBe(validatorsBefore);
    const archived = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM fetches WHERE run_id = $1 AND url = $2 AND status = 200 AND sha256 IS NOT NULL`, [run.id, url]);
    expect(archived.rows[0]!.n, 'held-back pages archived (one per attempt)').toBe(2);
    const marked = await t.db.query<{ outcome: string }>(`SELECT outcome FROM fetches WHERE run_id = $1 AND url = $2 AND status = 200`, [run.id, url]);
    expect(marked.rows.map((r) => r.outcome)).toEqual([expect.stringMatching(/^held_back: /), expect.stringMatching(/^held_back: /)]);

    const next = await crawlInProcess(fake, t.db, { full: true });
    expect(next.status).toBe('succeeded');
    expect((await getQuestion(t.db, id))!.texts.nl!.subject).toBe('Een verbeterd onderwerp');
    expect(await validatorsOf(url)).not.toBe(validatorsBefore);
  });

  it('reads a page announced with a lying charset as it is, stores nothing worse, and counts the decode fallback on its archive row', async () => {
    const id = fake.ids()[1]!;
    const before = await getQuestion(t.db, id);
    fake.configure({ validators: false });
    const lying = fake.fault({ kind: 'wrong-charset', match: new RegExp(`SchriftelijkeVraag&LEG=8&NR=${id.split('-')[1]}&`) });
    const run = await crawlInProcess(fake, t.db, { full: true });
    lying.remove();
    fake.configure({ validators: true });
    expect(run.status).toBe('succeeded');
    expect(await getQuestion(t.db, id)).toEqual({ ...before, lastFetchedAt: expect.any(Date) });
    const { rows } = await t.db.query<{ lang: string; outcome: string }>(`SELECT lang, outcome FROM fetches WHERE run_id = $1 AND question_id = $2 ORDER BY lang`, [run.id, id]);
    expect(rows).toEqual(['fr', 'nl'].map((lang) => ({ lang, outcome: expect.stringMatching(/^ok: decoded as windows-1252: the header's utf-8 read the page with replacement characters/) })));
  });
});

describe('fetch-question, for a linked question the Senate does not serve', () => {
  let fake: FakeSenate;
  let t: TestDb;
  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 30, legislature: 8, seed: 23 }, serving: 'varied' });
    t = await pgTestDb();
  });
  afterAll(async () => {
    await fake?.close();
    await t?.drop();
  });

  it('asks for it once, records the miss, and does not ask again before its backoff is due', async () => {
    const ids = new Set(fake.ids());
    const linked = fake.ids().flatMap((id) => fake.groundTruth(id)!.fr.relations.filter((r) => r.targetType === 'written_question' && r.target && ids.has(r.target)).map((r) => r.target!));
    expect(linked.length, 'a question linked from another (a precondition)').toBeGreaterThan(0);
    const target = linked[0]!;
    fake.removeQuestion(target);
    const asked = () => fake.requests().filter((r) => r.url.includes(`SchriftelijkeVraag&LEG=8&NR=${target.split('-')[1]}&`)).length;

    const first = await crawlInProcess(fake, t.db);
    expect(asked(), 'requests for the linked question in the first run').toBe(2);
    expect(first.status).toBe('succeeded');
    expect(await getMiss(t.db, target)).toMatchObject({ misses: 1, lastReason: expect.stringMatching(/HTTP 404/) });

    fake.clearRequests();
    await crawlInProcess(fake, t.db, { full: true });
    expect(asked(), 'requests for the linked question in the next run').toBe(0);
    expect(await getQuestion(t.db, target)).toBeNull();
  });
});
