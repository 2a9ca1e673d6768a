import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addresseeTitles,
  answerFeed,
  answersSince,
  latenessByAddressee,
  listEvents,
  overdueQuestions,
  pendingQuestions,
  questionHistory,
  updateAddresseeKeys,
} from '../../src/store/monitoring.ts';
import { pgliteTestDb, pgTestDb, type TestDb } from '../helpers/db.ts';
import { NOW, seedAll, SEED_EVENTS } from '../helpers/monitoring-seed.ts';

const at = { now: NOW };

describe.each([
  ['PostgreSQL', pgTestDb],
  ['PGlite', pgliteTestDb],
] as const)('the monitoring queries on %s', (_engine, open) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await open();
    await seedAll(t.db);
  });
  afterAll(async () => {
    await t?.drop();
  });

  const keys = async () =>
    Object.fromEntries((await t.db.query<{ id: string; addressee_key: string | null }>('SELECT id, addressee_key FROM questions ORDER BY number')).rows.map((r) => [r.id, r.addressee_key]));

  describe('addressee keys', () => {
    it('are filled lazily by the first query that needs them, FR and NL titles and variants counting as one', async () => {
      expect(Object.values(await keys()).every((k) => k === null)).toBe(true);
      await pendingQuestions(t.db, {}, at);
      expect(await keys()).toEqual({
        '8-1': 'minister:justice',
        '8-2': 'minister:justice',
        '8-3': 'minister:justice',
        '8-4': 'minister:justice',
        '8-5': 'minister:foreign-affairs',
        '8-6': 'minister:foreign-affairs',
        '8-7': 'minister:employment',
        '8-8': 'minister:employment',
      });
      expect(await updateAddresseeKeys(t.db)).toBe(0);
    });

    it('follow a changed title when the upsert asks for its ids', async () => {
      await t.db.query("UPDATE question_texts SET addressee = 'au ministre de la Mobilité' WHERE question_id = '8-7' AND lang = 'fr'");
      await t.db.query("UPDATE question_texts SET addressee = 'aan de minister van Mobiliteit' WHERE question_id = '8-7' AND lang = 'nl'");
      expect(await updateAddresseeKeys(t.db)).toBe(0);
      expect(await updateAddresseeKeys(t.db, ['8-7'])).toBe(1);
      expect((await keys())['8-7']).toBe('minister:mobility');
      await t.db.query("UPDATE question_texts SET addressee = CASE lang WHEN 'fr' THEN 'à la ministre de l''Emploi' ELSE 'aan de minister van Werk' END WHERE question_id = '8-7'");
      await updateAddresseeKeys(t.db, ['8-7']);
      expect((await keys())['8-7']).toBe('minister:employment');
    });
  });

  describe('pendingQuestions', () => {
    it('lists the unanswered questions, longest waiting first, with days waiting, deadline and days overdue', async () => {
      const pending = await pendingQuestions(t.db, {}, at);
      expect(pending.map((p) => p.id)).toEqual(['8-1', '8-5', '8-2']);
      expect(pending[0]).toMatchObject({
        author: 'Bert Anciaux',
        party: 'sp.a',
        sentDate: '2026-09-01',
        deadline: '2026-10-01',
        deadlineEstimated: false,
        daysWaiting: 90,
        daysOverdue: 60,
        reminders: 1,
        addresseeKey: 'minister:justice',
        addressee: { fr: 'au ministre de la Justice', nl: 'aan de minister van Justitie' },
      });
      expect(pending[2]).toMatchObject({ deadline: '2026-12-20', daysOverdue: -20, deadlineEstimated: false });
    });

    it('estimates the deadline of a page that prints none, and says so', async () => {
      const [q5] = (await pendingQuestions(t.db, {}, at)).filter((p) => p.id === '8-5');
      expect(q5).toMatchObject({ deadline: '2026-10-31', deadlineEstimated: true, daysOverdue: 30 });
      const [later] = (await pendingQuestions(t.db, {}, { ...at, deadlineEstimateDays: 45 })).filter((p) => p.id === '8-5');
      expect(later).toMatchObject({ deadline: '2026-11-15', deadlineEstimated: true, daysOverdue: 15 });
    });

    it('filters by legislature, addressee (key, French or Dutch word, printed title) and author', async () => {
      const ids = async (f: Parameters<typeof pendingQuestions>[1]) => (await pendingQuestions(t.db, f, at)).map((p) => p.id);
      expect(await ids({ legislature: 7 })).toEqual([]);
      expect(await ids({ legislature: 8 })).toEqual(['8-1', '8-5', '8-2']);
      expect(await ids({ addressee: 'Justitie' })).toEqual(['8-1', '8-2']);
      expect(await ids({ addressee: 'justice' })).toEqual(['8-1', '8-2']);
      expect(await ids({ addressee: 'minister:foreign-affairs' })).toEqual(['8-5']);
      expect(await ids({ addressee: 'Buitenlandse' })).toEqual(['8-5']);
      expect(await ids({ addressee: 'à la ministre' })).toEqual(['8-2']);
      expect(await ids({ author: 'anciaux' })).toEqual(['8-1']);
      expect(await ids({ author: 'anciaux', addressee: 'Buitenlandse Zaken' })).toEqual([]);
      expect(await ids({ author: '%' })).toEqual([]);
    });
  });

  describe('overdueQuestions', () => {
    it('lists the questions past their deadline, earliest deadline first, estimated ones marked', async () => {
      const overdue = await overdueQuestions(t.db, {}, at);
      expect(overdue.map((o) => [o.id, o.deadline, o.deadlineEstimated, o.daysOverdue])).toEqual([
        ['8-1', '2026-10-01', false, 60],
        ['8-5', '2026-10-31', true, 30],
      ]);
      expect((await overdueQuestions(t.db, {}, { ...at, deadlineEstimateDays: 60 })).map((o) => o.id)).toEqual(['8-1']);
    });
  });

  describe('answersSince', () => {
    it('lists the answers first seen since then, with the printed date and when we saw them', async () => {
      const arrivals = await answersSince(t.db, new Date('2026-11-29T00:00:00Z'));
      expect(arrivals.map((a) => [a.questionId, a.source, a.lang, a.answerDate, a.seenAt.toISOString()])).toEqual([
        ['8-3', 'event', 'fr', '2026-06-21', '2026-11-29T10:00:00.000Z'],
        ['8-6', 'change', 'nl', '2026-10-11', '2026-11-29T20:00:00.000Z'],
        ['8-8', 'first_seen', null, '2026-11-29', '2026-11-30T09:00:00.000Z'],
      ]);
      expect(arrivals[0]!.translationSeenAt?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
      expect(arrivals[0]!.eventId).toMatch(/^evt_/);
      expect(arrivals[0]!.addresseeKey).toBe('minister:justice');
    });

    it('leaves out answers first seen before then, even when their translation came after', async () => {
      const arrivals = await answersSince(t.db, new Date('2026-11-29T12:00:00Z'));
      expect(arrivals.map((a) => a.questionId)).toEqual(['8-6', '8-8']);
      expect((await answersSince(t.db, new Date('2026-10-01T00:00:00Z'))).map((a) => a.questionId)).toEqual(['8-4', '8-3', '8-6', '8-8']);
    });
  });

  describe('latenessByAddressee', () => {
    it('gives per addressee: asked, answered, median days, the share answered by the deadline, the oldest unanswered', async () => {
      const rows = await latenessByAddressee(t.db, {}, at);
      expect(rows.map((r) => r.addresseeKey)).toEqual(['minister:justice', 'minister:employment', 'minister:foreign-affairs']);
      expect(rows[0]).toEqual({
        addresseeKey: 'minister:justice',
        // The titles of its most recent question (8-2).
        names: { fr: 'à la ministre de la Justice', nl: 'aan de minister van Justitie' },
        asked: 4,
        answered: 2,
        pending: 2,
        medianDaysToAnswer: 45,
        due: 3,
        answeredByDeadline: 1,
        shareByDeadline: 1 / 3,
        oldestUnanswered: { id: '8-1', sentDate: '2026-09-01', daysWaiting: 90 },
      });
      expect(rows[1]).toMatchObject({ asked: 2, answered: 1, pending: 0, medianDaysToAnswer: 28, due: 2, answeredByDeadline: 1, shareByDeadline: 0.5, oldestUnanswered: null });
      expect(rows[2]).toMatchObject({ asked: 2, answered: 1, medianDaysToAnswer: 10, due: 2, answeredByDeadline: 1 });
      expect(await latenessByAddressee(t.db, { legislature: 7 }, at)).toEqual([]);
    });
  });

  describe('addresseeTitles', () => {
    it('lists every printed title of a key per language, most used first', async () => {
      const titles = await addresseeTitles(t.db, { addresseeKey: 'minister:justice' });
      expect(titles.map((x) => [x.lang, x.title, x.questions])).toEqual([
        ['fr', 'au ministre de la Justice', 3],
        ['fr', 'à la ministre de la Justice', 1],
        ['nl', 'aan de minister van Justitie', 4],
      ]);
      expect((await addresseeTitles(t.db)).filter((x) => x.addresseeKey === 'minister:foreign-affairs')).toHaveLength(4);
    });
  });

  describe('questionHistory', () => {
    it("gives a question's changes oldest first, and null for a question not stored", async () => {
      const h = await questionHistory(t.db, '8-1');
      expect(h!.changes.map((c) => [c.field, c.lang, c.cause, c.old, c.new])).toEqual([
        ['answerDeadline', null, 'parser', '2026-09-30', '2026-10-01'],
        ['subject', 'fr', 'senate', 'Prisons - Surpopulation', 'Prisons belges - Surpopulation carcérale'],
      ]);
      expect((await questionHistory(t.db, '8-2'))!.changes).toEqual([]);
      expect(await questionHistory(t.db, '8-999')).toBeNull();
    });
  });

  describe('listEvents', () => {
    it('reads the stream in seq order from a cursor, by type and time', async () => {
      const all = await listEvents(t.db);
      expect(all.map((e) => e.type)).toEqual(SEED_EVENTS.map((e) => e.type));
      const seqs = all.map((e) => e.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect((await listEvents(t.db, { afterSeq: all[1]!.seq, limit: 2 })).map((e) => e.id)).toEqual([all[2]!.id, all[3]!.id]);
      expect((await listEvents(t.db, { types: ['answer_arrived', 'translation_arrived'] })).map((e) => e.questionId)).toEqual(['8-4', '8-3', '8-3']);
      expect((await listEvents(t.db, { since: new Date('2026-11-30T00:00:00Z') })).map((e) => e.type)).toEqual(['translation_arrived', 'field_changed']);
      expect(await listEvents(t.db, { afterSeq: all.at(-1)!.seq })).toEqual([]);
    });
  });

  describe('answerFeed', () => {
    it('gives the answer arrivals newest first, with the answer excerpt in its language', async () => {
      const feed = await answerFeed(t.db);
      expect(feed.map((e) => [e.questionId, e.lang])).toEqual([
        ['8-3', 'fr'],
        ['8-4', 'nl'],
      ]);
      expect(feed[0]).toMatchObject({ answerDate: '2026-06-21', excerpt: 'Réponse à la question 3.', author: 'Nele Lijnen', title: { fr: 'Question écrite n° 8-3', nl: 'Schriftelijke vraag nr. 8-3' } });
      expect(feed[1]!.excerpt).toBe('Antwoord op vraag 4.');
    });

    it('filters by addressee, author and party, and limits', async () => {
      const ids = async (f: Parameters<typeof answerFeed>[1]) => (await answerFeed(t.db, f)).map((e) => e.questionId);
      expect(await ids({ addressee: 'Justitie' })).toEqual(['8-3', '8-4']);
      expect(await ids({ addressee: 'Werk' })).toEqual([]);
      expect(await ids({ author: 'lijnen' })).toEqual(['8-3', '8-4']);
      expect(await ids({ author: 'Anciaux' })).toEqual([]);
      expect(await ids({ party: 'open vld' })).toEqual(['8-3', '8-4']);
      expect(await ids({ party: 'sp.a' })).toEqual([]);
      expect(await ids({ limit: 1 })).toEqual(['8-3']);
    });
  });
});
