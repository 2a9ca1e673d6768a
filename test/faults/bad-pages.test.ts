/**
 * Fault suite: pages that arrive whole but are not what they seem: announced as UTF-8 while
 * their bytes are windows-1252, cut short (ending cleanly, or with their tags closed),
 * carrying NUL characters, or a binary body / error page / challenge in place of a stored
 * question. In-process runs on a PostgreSQL of the suite's own, checked against the fake
 * Senate's ground truth.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseQuestionPage } from '../../src/senate/question-page.ts';
import { questionUrl } from '../../src/senate/urls.ts';
import type { FaultAction } from '../fake-senate/faults.ts';
import { get } from '../fake-senate/http-client.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess } from '../helpers/crawl-env.ts';
import { runCli } from './harness/cli.ts';
import { openSchema, type TestSchema } from './harness/db.ts';
import { idsWithStatus, pageOf, QUESTION_PAGES, requestsFor, SHORT_CLOSED } from './harness/pages.ts';
import { startPostgres, type TestPostgres } from './harness/services.ts';
import { compareWithTruth, damagedTexts, failedJobs, statusProblems } from './harness/truth.ts';

const ENV = { FETCH_TIMEOUT_MS: '2000', FETCH_RETRIES: '2' };
const CLEAN = { lost: [], duplicated: [], worse: [] };

/**
 * The ids whose NL page, cut by SHORT_CLOSED, still reads as a question page but with less in
 * it (a shorter question text or answer): the cases where only the stored record can tell.
 */
async function shortenedToLess(fake: FakeSenate, ids: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const once = fake.fault({ ...SHORT_CLOSED, match: pageOf(id, 'nl'), count: 1 });
    const r = await get(questionUrl(fake.url, id, 'nl'));
    once.remove();
    const contentType = r.headers['content-type'];
    const parsed = parseQuestionPage({ body: r.body, contentType: typeof contentType === 'string' ? contentType : null, lang: 'nl', expectedId: id });
    const truth = fake.groundTruth(id)!.nl;
    const less = (a: string | undefined, b: string | undefined) => (a ?? '').length < (b ?? '').length;
    if (parsed.ok && (less(parsed.page.questionText, truth.questionText) || less(parsed.page.answer?.text, truth.answer?.text))) out.push(id);
  }
  return out;
}

describe('when a page is not what it seems', () => {
  let pg: TestPostgres;
  let t: TestSchema | undefined;
  let fake: FakeSenate | undefined;

  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(() => pg?.close());
  afterEach(async () => {
    await fake?.close();
    await t?.close();
    fake = undefined;
    t = undefined;
  });

  async function setUp(n: number, seed: number) {
    fake = await startFakeSenate({ questions: { n, legislature: 8, seed }, serving: 'varied', listingPageSize: 20 });
    t = await openSchema(pg);
    return { fake, db: t.db };
  }

  async function cleanFirstCrawl(fake: FakeSenate, db: TestSchema['db']) {
    const run = await crawlInProcess(fake, db, { env: ENV });
    expect(run.status, 'the clean first crawl (a precondition)').toBe('succeeded');
    expect(await compareWithTruth(db, fake), 'after the clean first crawl (a precondition)').toEqual(CLEAN);
  }

  describe('because it is announced as charset=utf-8 while its bytes are windows-1252', () => {
    it('decodes it with the charset that reads it cleanly: a first crawl stores every question as served', async () => {
      const { fake, db } = await setUp(20, 41);
      fake.fault({ kind: 'wrong-charset', match: QUESTION_PAGES });
      const run = await crawlInProcess(fake, db, { env: ENV });
      expect(await compareWithTruth(db, fake)).toEqual(CLEAN);
      expect(await damagedTexts(db), 'texts holding U+FFFD').toEqual([]);
      expect(run).toMatchObject({ status: 'succeeded', questionsNew: 20 });
    });

    it('never writes a worse parse over a good record, and the next healthy crawl finds every record good', async () => {
      const { fake, db } = await setUp(20, 42);
      await cleanFirstCrawl(fake, db);
      fake.configure({ validators: false });
      const lying = fake.fault({ kind: 'wrong-charset', match: QUESTION_PAGES });
      await crawlInProcess(fake, db, { env: ENV, full: true });
      expect(await compareWithTruth(db, fake), 'after the re-crawl with the lying header').toEqual(CLEAN);
      expect(await damagedTexts(db), 'texts holding U+FFFD after the re-crawl with the lying header').toEqual([]);

      // With validators on again, a record damaged above would be locked in by 304s.
      lying.remove();
      fake.configure({ validators: true });
      await crawlInProcess(fake, db, { env: ENV, full: true });
      await crawlInProcess(fake, db, { env: ENV, full: true });
      expect(await compareWithTruth(db, fake), 'after two healthy re-crawls').toEqual(CLEAN);
    });

    it('`reparse` repairs records stored damaged from such pages, from the archive, without the network', async () => {
      const { fake: lying, db } = await setUp(12, 43);
      await cleanFirstCrawl(lying, db);
      // The newest archived copy of every page is then the one announced as UTF-8.
      lying.configure({ validators: false });
      lying.fault({ kind: 'wrong-charset', match: QUESTION_PAGES });
      await crawlInProcess(lying, db, { env: ENV, full: true });
      // What an earlier version stored from these pages: every non-ASCII letter read as U+FFFD.
      await db.query(`UPDATE question_texts SET
          title = regexp_replace(title, '[^\\x01-\\x7F]', chr(65533), 'g'),
          subject = regexp_replace(subject, '[^\\x01-\\x7F]', chr(65533), 'g'),
          question_text = regexp_replace(question_text, '[^\\x01-\\x7F]', chr(65533), 'g'),
          answer_text = regexp_replace(answer_text, '[^\\x01-\\x7F]', chr(65533), 'g'),
          content_sha256 = 'stored-damaged'`);
      expect((await damagedTexts(db)).length, 'records damaged by hand (a precondition)').toBeGreaterThanOrEqual(12);
      await lying.close();

      const r = await runCli(['reparse'], { ...t!.env, LOG_LEVEL: 'warn' }, 120_000);
      expect(r.code, r.describe()).toBe(0);
      expect(await damagedTexts(db), 'texts holding U+FFFD after reparse').toEqual([]);
      // The same questions, for their ground truth.
      fake = await startFakeSenate({ questions: { n: 12, legislature: 8, seed: 43 }, serving: 'varied' });
      expect(await compareWithTruth(db, fake)).toEqual(CLEAN);
    });
  });

  describe('because it is cut short but ends cleanly (no closing tags, no Content-Length)', () => {
    it('retries it, as a page of a number known to exist: every question ends stored in both languages', async () => {
      const { fake, db } = await setUp(20, 44);
      const victims = fake.ids().slice(2, 8);
      for (const id of victims) fake.fault({ kind: 'truncate', then: 'end', match: pageOf(id, 'nl'), count: 1 });
      const run = await crawlInProcess(fake, db, { env: ENV });
      expect(await compareWithTruth(db, fake)).toEqual(CLEAN);
      expect(victims.filter((id) => requestsFor(fake, id, 'nl') < 2), 'short pages not asked for again').toEqual([]);
      expect(run).toMatchObject({ status: 'succeeded', questionsNew: 20, questionsFailed: 0 });
    });

    it('ends the run partial, naming the question and why, when the page stays short on every attempt', async () => {
      const { fake, db } = await setUp(20, 45);
      const victim = fake.ids()[4]!;
      fake.fault({ kind: 'truncate', then: 'end', match: pageOf(victim, 'nl') });
      const run = await crawlInProcess(fake, db, { env: ENV });
      const report = await compareWithTruth(db, fake);
      expect(report).toEqual({ lost: [`${victim} nl`], duplicated: [], worse: [] });
      expect(requestsFor(fake, victim, 'nl'), 'attempts at the short page').toBeGreaterThan(1);
      expect(await statusProblems(db, run, report)).toEqual([]);
      expect(run).toMatchObject({ status: 'partial', questionsFailed: 1 });
      expect(await failedJobs(db, run.id)).toEqual([expect.stringMatching(new RegExp(`^q-${victim}: failed: .*nl.*(short|truncat|cut)`, 'i'))]);
    });
  });

  describe('because it is cut short but closes its tags (well-formed, with less in it)', () => {
    it('archives it but keeps the good record, and the run reports it', async () => {
      const { fake, db } = await setUp(20, 46);
      await cleanFirstCrawl(fake, db);
      fake.configure({ validators: false });
      const victims = (await shortenedToLess(fake, fake.ids())).slice(0, 6);
      expect(victims, 'pages that read as less when cut (a precondition)').toHaveLength(6);
      fake.clearRequests();
      for (const id of victims) fake.fault({ ...SHORT_CLOSED, match: pageOf(id, 'nl') });
      const run = await crawlInProcess(fake, db, { env: ENV, full: true });

      expect(await compareWithTruth(db, fake)).toEqual(CLEAN);
      const archived = await db.query<{ id: string }>(
        `SELECT DISTINCT question_id AS id FROM fetches WHERE run_id = $1 AND lang = 'nl' AND status = 200 AND sha256 IS NOT NULL AND question_id = ANY($2::text[]) ORDER BY 1`,
        [run.id, victims],
      );
      expect(archived.rows.map((r) => r.id).sort()).toEqual([...victims].sort());
      expect(run.status).toBe('partial');
      const failed = await failedJobs(db, run.id);
      for (const id of victims) expect(failed, id).toContainEqual(expect.stringMatching(new RegExp(`^q-${id}: failed: .*(worse|short|truncat)`, 'i')));
    });
  });

  describe('because it carries NUL characters (a raw 0x00 byte, a &#0; reference)', () => {
    it('strips them in the parser, counts each page as repaired, and stores every question as served', async () => {
      const { fake, db } = await setUp(20, 47);
      fake.fault({ kind: 'nul', match: QUESTION_PAGES });
      const run = await crawlInProcess(fake, db, { env: ENV });
      expect(await compareWithTruth(db, fake, { ignore: (_id, _lang, field) => field === 'repairs' })).toEqual(CLEAN);
      expect(await damagedTexts(db)).toEqual([]);
      const { rows } = await db.query<{ id: string; lang: 'fr' | 'nl'; repairs: number }>('SELECT question_id AS id, lang, repairs FROM question_texts ORDER BY 1, 2');
      const notCounted = rows.filter((r) => r.repairs <= fake.groundTruth(r.id)![r.lang].repairs).map((r) => `${r.id} ${r.lang}`);
      expect(notCounted, 'pages whose stripped NULs are not counted as repairs').toEqual([]);
      expect(run).toMatchObject({ status: 'succeeded', questionsNew: 20, questionsFailed: 0 });
    });
  });

  describe('because a stored question briefly serves something else in both languages', () => {
    let shared: { fake: FakeSenate; db: TestSchema['db'] };
    let pending: string[] = [];
    beforeAll(async () => {
      const f = await startFakeSenate({ questions: { n: 30, legislature: 8, seed: 48 }, serving: 'varied', listingPageSize: 20 });
      const s = await openSchema(pg);
      shared = { fake: f, db: s.db };
      await cleanFirstCrawl(f, s.db);
      // Every page served whole (a 304 would carry no fault).
      f.configure({ validators: false });
      pending = idsWithStatus(f, 'pending');
      return async () => {
        await f.close();
        await s.close();
      };
    });

    const bodies: [string, FaultAction][] = [
      ['a PDF', { kind: 'binary' }],
      ['a gzip stream announced as text/html', { kind: 'binary', format: 'gzip', contentType: 'text/html' }],
      ['an error page with status 200', { kind: 'error-page' }],
      ['a short page ending cleanly', { kind: 'truncate', then: 'end' }],
      ['random bytes', { kind: 'garbage' }],
      ['a challenge page with status 200', { kind: 'challenge', status: 200 }],
    ];

    it.each(bodies.map(([name, action], i) => [name, action, i] as const))(
      'when it serves %s for one run: not marked gone, the run says partial, and the next run fetches it again',
      async (_name, action, i) => {
        const { fake, db } = shared;
        const id = pending[i]!;
        expect(id, 'a pending question to break (a precondition)').toBeDefined();
        const broken = fake.fault({ ...action, match: pageOf(id) });
        const run = await crawlInProcess(fake, db, { env: ENV });
        broken.remove();
        const gone = await db.query<{ gone: Date | null }>('SELECT gone_since AS gone FROM questions WHERE id = $1', [id]);
        expect(gone.rows[0]?.gone ?? null, `${id} marked gone after one run of ${action.kind}`).toBeNull();
        expect(run.status).toBe('partial');
        expect(await failedJobs(db, run.id)).toContainEqual(expect.stringMatching(new RegExp(`^q-${id}: failed`)));

        fake.clearRequests();
        const next = await crawlInProcess(fake, db, { env: ENV });
        expect(requestsFor(fake, id), `requests for ${id} in the next run`).toBeGreaterThanOrEqual(2);
        expect(next.status).toBe('succeeded');
        expect(await compareWithTruth(db, fake)).toEqual(CLEAN);
      },
    );
  });
});
