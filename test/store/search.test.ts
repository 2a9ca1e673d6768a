/**
 * searchQuestions' two ways of writing a full-text condition (matching ids first, or a
 * correlated EXISTS for a query that matches many) give the same pages, on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUESTION_SORTS, searchQuestions, type QuestionCursor, type QuestionFilter, type QuestionSort } from '../../src/store/search.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { NAMED, store, type Spec } from '../http/fixtures.ts';

/** 40 questions that all say "prisons", with sent dates that tie. */
const PRISONS: Spec[] = Array.from({ length: 40 }, (_, i) => ({
  id: `6-${i + 1}`,
  status: i % 2 === 0 ? 'pending' : 'answered',
  sentDate: i % 9 === 0 ? null : `2015-0${1 + (i % 3)}-1${i % 5}`,
  fr: { subject: `Prisons ${i}`, text: 'Les prisons sont pleines.' },
  nl: i % 4 === 0 ? null : { subject: `Gevangenissen ${i}`, text: 'De gevangenissen zijn vol.' },
}));

async function allPages(t: TestDb, filter: QuestionFilter, sort: QuestionSort, denseMatches: number): Promise<string[][]> {
  const pages: string[][] = [];
  let after: QuestionCursor | null = null;
  do {
    const page = await searchQuestions(t.db, filter, { sort, limit: 6, after, denseMatches });
    pages.push(page.items.map((q) => q.id));
    after = page.next;
  } while (after);
  return pages;
}

describe('searchQuestions overdue', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await pgTestDb();
    await store(t.db, [
      // No printed deadline: sent plus DEADLINE_ESTIMATE_DAYS.
      { id: '5-1', status: 'pending', sentDate: '2024-01-01', answerDeadline: null },
      { id: '5-2', status: 'pending', sentDate: '2024-03-01', answerDeadline: null },
      { id: '5-3', status: 'pending', sentDate: '2024-01-01', answerDeadline: '2024-12-31' },
      { id: '5-4', status: 'answered', sentDate: '2024-01-01', answerDeadline: '2024-02-01', answerDate: '2024-05-01' },
    ]);
  });
  afterAll(async () => {
    await t?.drop();
  });

  const overdue = async (now: string, deadlineEstimateDays: number) =>
    (await searchQuestions(t.db, { overdue: true }, { sort: 'number', limit: 50, now: new Date(now), deadlineEstimateDays })).items.map((q) => q.id);

  it('counts an estimated deadline (sent + days) and the printed one, in Brussels days', async () => {
    expect(await overdue('2024-03-15T12:00:00Z', 30)).toEqual(['5-1']);
    expect(await overdue('2024-04-15T12:00:00Z', 30)).toEqual(['5-1', '5-2']);
    expect(await overdue('2024-04-15T12:00:00Z', 60)).toEqual(['5-1']);
    expect(await overdue('2025-01-01T12:00:00Z', 30)).toEqual(['5-1', '5-2', '5-3']);
    // 23:30 UTC on 31 December is already 1 January in Brussels.
    expect(await overdue('2024-12-31T23:30:00Z', 9999)).toEqual(['5-3']);
  });
});

describe('searchQuestions full text', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await pgTestDb();
    await store(t.db, [...NAMED, ...PRISONS]);
  });
  afterAll(async () => {
    await t?.drop();
  });

  const filters: QuestionFilter[] = [{ q: 'prisons' }, { q: 'gevangenissen', status: 'answered' }, { q: 'réponses' }, { q: 'nothing-matches-this' }];
  for (const filter of filters) {
    for (const sort of QUESTION_SORTS) {
      it(`gives the same pages for ${JSON.stringify(filter)} sorted ${sort}, matches dense or few`, async () => {
        const byIds = await allPages(t, filter, sort, 1_000_000);
        const dense = await allPages(t, filter, sort, 1);
        expect(dense).toEqual(byIds);
        const ids = byIds.flat();
        expect(new Set(ids).size).toBe(ids.length);
      });
    }
  }

  it('finds what it should', async () => {
    const all = async (filter: QuestionFilter) => (await allPages(t, filter, 'number', 1)).flat();
    expect(await all({ q: 'prisons' })).toHaveLength(41); // the 40, and 8-1 ("les prisons")
    expect(await all({ q: 'gevangenissen', status: 'answered' })).toHaveLength(20);
    expect(await all({ q: 'nothing-matches-this' })).toEqual([]);
  });
});
