/**
 * Fault suite: the Senate misbehaving on 20 % of the question requests (500, 503, 429 with
 * Retry-After, timeouts, resets, short pages, a wrong charset, garbage, binary bodies,
 * Cloudflare-style challenges), and every page changing its markup. In-process runs on a
 * PostgreSQL of the suite's own; each case checks the store against the fake Senate's
 * ground truth: nothing lost, nothing duplicated, nothing stored worse, and a true status.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MARKUPS, type Markup } from '../fake-senate/markup.ts';
import { variedServing } from '../fake-senate/question-store.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess } from '../helpers/crawl-env.ts';
import { openSchema, type TestSchema } from './harness/db.ts';
import { faultShare, QUESTION_PAGES, RECOGNISABLE_FAULTS, SHORT_CLOSED } from './harness/pages.ts';
import { startPostgres, type TestPostgres } from './harness/services.ts';
import { compareWithTruth, damagedTexts, statusProblems } from './harness/truth.ts';

/** Short enough that a `slow` fault times out, long enough for a loaded machine. */
const ENV = { FETCH_TIMEOUT_MS: '1000', FETCH_RETRIES: '3' };
/**
 * Job attempts: a job fails an attempt when either page meets a fault that only the job layer
 * can retry (~20 % of attempts); 8 attempts make a question lost by bad luck a 1-in-10^5 event.
 */
const ATTEMPTS = 8;

/** The case really met faults: several kinds, on at least a tenth of the question requests. */
function expectFaultsMet(fake: FakeSenate): void {
  const asked = fake.requests().filter((r) => QUESTION_PAGES.test(r.url));
  const hit = asked.filter((r) => r.fault);
  const kinds = new Set(hit.map((r) => r.fault));
  expect(kinds.size, `fault kinds met: ${[...kinds].join(', ')}`).toBeGreaterThanOrEqual(5);
  expect(hit.length, `${hit.length} of ${asked.length} question requests met a fault`).toBeGreaterThanOrEqual(asked.length / 10);
}

describe('when the Senate misbehaves', () => {
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

  describe('on 20 % of the question requests, in every recognisable way', () => {
    it('a first crawl stores every question in both languages as the Senate serves it, and says succeeded', async () => {
      const { fake, db } = await setUp(40, 31);
      faultShare(fake, RECOGNISABLE_FAULTS);
      const run = await crawlInProcess(fake, db, { env: ENV, maxAttempts: ATTEMPTS });

      expectFaultsMet(fake);
      const report = await compareWithTruth(db, fake);
      expect(report).toEqual({ lost: [], duplicated: [], worse: [] });
      expect(await damagedTexts(db)).toEqual([]);
      expect(await statusProblems(db, run, report)).toEqual([]);
      expect(run).toMatchObject({ status: 'succeeded', questionsNew: 40, questionsFailed: 0 });
    });
  });

  describe('on 20 % of the requests of a full re-crawl, short pages that close their tags included', () => {
    it('leaves every stored record as good as it was, and ends with a true status', async () => {
      const { fake, db } = await setUp(40, 32);
      const clean = await crawlInProcess(fake, db, { env: ENV });
      expect(clean.status, 'the clean first crawl (a precondition)').toBe('succeeded');
      expect(await compareWithTruth(db, fake), 'after the clean first crawl (a precondition)').toEqual({ lost: [], duplicated: [], worse: [] });

      // Without validators every page is fetched whole again (a 304 would carry no fault).
      fake.configure({ validators: false });
      fake.clearRequests();
      faultShare(fake, [...RECOGNISABLE_FAULTS, SHORT_CLOSED]);
      const run = await crawlInProcess(fake, db, { env: ENV, full: true, maxAttempts: ATTEMPTS });
      expectFaultsMet(fake);

      const report = await compareWithTruth(db, fake);
      expect(report).toEqual({ lost: [], duplicated: [], worse: [] });
      expect(await damagedTexts(db)).toEqual([]);
      expect(await statusProblems(db, run, report)).toEqual([]);
      expect(run.status).not.toBe('running');
    });
  });

  describe('by changing the markup of every page', () => {
    it('re-reads every question in its new markup, storing nothing worse, and says succeeded', async () => {
      const { fake, db } = await setUp(30, 33);
      expect((await crawlInProcess(fake, db, { env: ENV })).status, 'the first crawl (a precondition)').toBe('succeeded');
      const next: Record<Markup, Markup> = { table: 'div', div: 'br', br: 'table' };
      const newMarkup = (nr: number): Markup => next[variedServing(nr).markup];
      for (const id of fake.ids()) fake.setMarkup(id, newMarkup(Number(id.split('-')[1])));
      expect(new Set(fake.ids().map((id) => newMarkup(Number(id.split('-')[1]))))).toEqual(new Set(MARKUPS));

      const run = await crawlInProcess(fake, db, { env: ENV, full: true });

      const report = await compareWithTruth(db, fake, { markupOf: newMarkup });
      expect(report).toEqual({ lost: [], duplicated: [], worse: [] });
      expect(await damagedTexts(db)).toEqual([]);
      expect(run).toMatchObject({ status: 'succeeded', questionsFailed: 0 });
    });
  });
});
