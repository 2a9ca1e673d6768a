/**
 * The monitoring queries on what a real crawl of the fake Senate stored: they agree with the
 * pages served, and every addressee title the fake Senate prints (its titles come from the
 * real pages) gets a key the dictionary knows, FR and NL together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addresseeKey } from '../../src/senate/addressee.ts';
import { addresseeTitles, brusselsDate, latenessByAddressee, overdueQuestions, pendingQuestions, updateAddresseeKeys } from '../../src/store/monitoring.ts';
import { upsertQuestion } from '../../src/store/questions.ts';
import { question } from '../helpers/questions.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { ADDRESSEES } from '../fake-senate/vocabulary.ts';
import { crawlInProcess } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

describe('the monitoring queries after a crawl of the fake Senate', () => {
  let fake: FakeSenate;
  let t: TestDb;
  const now = new Date('2026-11-15T12:00:00Z');

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { legislature: 8, seed: 21, n: 120 } });
    t = await pgTestDb();
    const run = await crawlInProcess(fake, t.db);
    expect(run.status).toBe('succeeded');
  });
  afterAll(async () => {
    await t?.drop();
    await fake?.close();
  });

  const truth = () => fake.ids().map((id) => fake.groundTruth(id)!);

  it('lists as pending exactly the questions the pages show unanswered, and as overdue those past their printed deadline', async () => {
    const pages = truth();
    const expectedPending = pages.filter((p) => p.fr.status === 'pending').map((p) => p.fr.id);
    expect(expectedPending.length).toBeGreaterThan(0);
    const pending = await pendingQuestions(t.db, {}, { now });
    expect(new Set(pending.map((p) => p.id))).toEqual(new Set(expectedPending));
    const today = brusselsDate(now);
    const expectedOverdue = pages.filter((p) => p.fr.status === 'pending' && p.fr.answerDeadline !== null && p.fr.answerDeadline < today).map((p) => p.fr.id);
    expect(new Set((await overdueQuestions(t.db, {}, { now })).map((p) => p.id))).toEqual(new Set(expectedOverdue));
  });

  it('gives every addressee a known key, the same for its FR and NL titles, and counts every question once', async () => {
    for (const [fr, nl] of ADDRESSEES) expect(addresseeKey({ fr }), fr).toBe(addresseeKey({ nl }));
    const rows = await latenessByAddressee(t.db, {}, { now });
    expect(rows.reduce((n, r) => n + r.asked, 0)).toBe(truth().length);
    const expectedKeys = new Set(truth().map((p) => addresseeKey({ fr: p.fr.addressee, nl: p.nl.addressee })));
    expect(new Set(rows.map((r) => r.addresseeKey))).toEqual(expectedKeys);
    expect(rows.every((r) => r.addresseeKey !== null && /^(minister|secretary-of-state|prime-minister)/.test(r.addresseeKey))).toBe(true);
    // Fewer keys than printed titles: variants and languages were merged.
    const titles = await addresseeTitles(t.db);
    expect(rows.length).toBeLessThan(titles.length);
    expect(titles.reduce((n, x) => n + x.questions, 0)).toBe(2 * truth().length);
    for (const r of rows) {
      expect(r.answered + r.pending).toBeLessThanOrEqual(r.asked);
      if (r.shareByDeadline !== null) expect(r.shareByDeadline).toBeGreaterThanOrEqual(0);
    }
  });

  it('leaves the key of a question that names no addressee null, and does not look at it again', async () => {
    const none = question({ id: '8-999', legislature: 8, number: 999, relations: [] });
    none.texts.fr!.addressee = null;
    none.texts.nl!.addressee = null;
    await upsertQuestion(t.db, none, { parserVersion: 'test' });
    expect(await updateAddresseeKeys(t.db)).toBe(0);
    const { rows } = await t.db.query<{ addressee_key: string | null }>("SELECT addressee_key FROM questions WHERE id = '8-999'");
    expect(rows[0]!.addressee_key).toBeNull();
    expect((await latenessByAddressee(t.db, {}, { now })).find((r) => r.addresseeKey === null)).toMatchObject({ asked: 1 });
  });
});
