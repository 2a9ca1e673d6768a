/**
 * Change history end to end: crawl the fake Senate, edit it between crawls the way the Senate
 * changes (answers, their translations, statuses, reminders, deadlines, corrected texts, a field
 * that vanishes), crawl again, and check that every question's changes, replayed from its first
 * version, give back its stored row; that the events are the ones the edits mean; that webhook
 * outbox rows follow them; and that a crawl of an unchanged Senate writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookSecret } from '../../src/notify/signature.ts';
import type { Lang, QuestionPage } from '../../src/senate/question-record.ts';
import { canonicalRecord, loadReplay, replayChanges } from '../../src/store/history.ts';
import { getQuestion, getQuestions } from '../../src/store/questions.ts';
import { deriveStatus } from '../fake-senate/generate.ts';
import { EVENT_LABELS } from '../fake-senate/labels.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

const ENV = {
  WEBHOOK_SECRET: generateWebhookSecret(),
  WEBHOOKS: JSON.stringify([{ url: 'http://127.0.0.1:9/all' }, { url: 'http://127.0.0.1:9/answers', events: ['answer_arrived', 'translation_arrived'] }]),
};

/** Edits both pages of a question in the fake Senate (a new version of each). */
function edit(fake: FakeSenate, id: string, change: (page: QuestionPage, lang: Lang) => void): void {
  const pair = fake.groundTruth(id)!;
  change(pair.fr, 'fr');
  change(pair.nl, 'nl');
  fake.addQuestion(pair);
}

describe('change history over crawls of a changing Senate', () => {
  let fake: FakeSenate;
  let t: TestDb;
  const picked: Record<'frThenNl' | 'both' | 'closed' | 'reminder' | 'deadline' | 'subject' | 'text' | 'vanished', string> = {} as never;

  const eventCounts = async (): Promise<Record<string, number>> => {
    const { rows } = await t.db.query<{ type: string; n: number }>('SELECT type, count(*)::int AS n FROM events GROUP BY type');
    return Object.fromEntries(rows.map((r) => [r.type, r.n]));
  };
  const eventsOf = async (id: string): Promise<string[]> =>
    (await t.db.query<{ type: string; lang: string | null }>('SELECT type, lang FROM events WHERE question_id = $1 ORDER BY seq', [id])).rows.map((r) => `${r.type}${r.lang ? `:${r.lang}` : ''}`);
  const totals = async (): Promise<number[]> => {
    const { rows } = await t.db.query<{ c: number; e: number; d: number; o: number }>(
      `SELECT (SELECT count(*)::int FROM changes) AS c, (SELECT count(*)::int FROM events) AS e,
              (SELECT count(*)::int FROM webhook_deliveries) AS d, (SELECT count(*)::int FROM question_origins) AS o`,
    );
    return [rows[0]!.c, rows[0]!.e, rows[0]!.d, rows[0]!.o];
  };

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 40, legislature: 8, seed: 11 }, serving: 'varied' });
    t = await pgTestDb();
  });
  afterAll(async () => {
    await fake?.close();
    await t?.drop();
  });

  it('writes question_new only on the first crawl, with a first version of every question', async () => {
    const run = await crawlInProcess(fake, t.db, { env: ENV });
    expect(run.status).toBe('succeeded');
    const n = fake.ids().length;
    expect(await eventCounts()).toEqual({ question_new: n });
    expect(await totals()).toEqual([0, n, n, n]);
  }, 120_000);

  it('records the edits of the Senate as changes and the events they mean', async () => {
    const pending = fake.ids().filter((id) => {
      const p = fake.groundTruth(id)!;
      return p.fr.status === 'pending' && p.nl.repairs === 0 && p.fr.answerDeadline !== null && p.fr.relations.length === 0;
    });
    expect(pending.length, 'pending questions to edit (a precondition)').toBeGreaterThanOrEqual(8);
    [picked.frThenNl, picked.both, picked.closed, picked.reminder, picked.deadline, picked.subject, picked.text, picked.vanished] = pending as [string, string, string, string, string, string, string, string];

    fake.answerArrives(picked.frThenNl, { lang: 'fr', date: '2026-11-20', text: 'Le ministre répond.\n\nDeuxième paragraphe.' });
    fake.answerArrives(picked.both, { lang: 'both', date: '2026-11-21', text: { fr: 'Réponse.', nl: 'Antwoord.' } });
    edit(fake, picked.closed, (p, l) => {
      p.events.push({ date: '2026-11-22', type: 'closed', label: EVENT_LABELS.closed[l] });
      p.status = deriveStatus(p.events, false);
    });
    edit(fake, picked.reminder, (p, l) => p.events.push({ date: '2026-11-23', type: 'reminder', label: EVENT_LABELS.reminder[l] }));
    edit(fake, picked.deadline, (p) => {
      p.answerDeadline = '2027-01-31';
    });
    fake.correctSubject(picked.subject, 'fr', 'Sujet corrigé par le service');
    edit(fake, picked.text, (p, l) => {
      if (l === 'nl') p.questionText = `${p.questionText}\n\nBijkomende vraag.`;
    });
    // A field the quality judge does not hold a page back for (it does for a lost subject,
    // keywords, texts or answer): the printed deadline.
    edit(fake, picked.vanished, (p) => {
      p.answerDeadline = null;
    });

    const run = await crawlInProcess(fake, t.db, { env: ENV, full: true });
    expect(run.status).toBe('succeeded');

    expect(await eventsOf(picked.frThenNl)).toEqual(['question_new', 'answer_arrived:fr', 'status_changed']);
    // Both at once: the arrival is in the question's own language, the other its translation.
    const own = fake.groundTruth(picked.both)!.fr.originalLanguage ?? 'fr';
    expect(await eventsOf(picked.both)).toEqual(['question_new', `answer_arrived:${own}`, `translation_arrived:${own === 'fr' ? 'nl' : 'fr'}`, 'status_changed']);
    expect(await eventsOf(picked.closed)).toEqual(['question_new', 'status_changed']);
    expect(await eventsOf(picked.reminder)).toEqual(['question_new', 'reminder_sent']);
    expect(await eventsOf(picked.deadline)).toEqual(['question_new', 'deadline_changed']);
    expect(await eventsOf(picked.subject)).toEqual(['question_new', 'field_changed:fr']);
    expect(await eventsOf(picked.text)).toEqual(['question_new', 'field_changed:nl']);
    expect(await eventsOf(picked.vanished)).toEqual(['question_new']);

    const { rows: subject } = await t.db.query<{ old_value: string; new_value: string; fetch_id: number | null; run_id: number; cause: string }>(
      "SELECT old_value, new_value, fetch_id, run_id, cause FROM changes WHERE question_id = $1 AND field = 'subject'",
      [picked.subject],
    );
    expect(subject).toEqual([{ old_value: expect.any(String), new_value: 'Sujet corrigé par le service', fetch_id: expect.any(Number), run_id: run.id, cause: 'senate' }]);
    const { rows: [evidence] } = await t.db.query<{ question_id: string; lang: string }>('SELECT question_id, lang FROM fetches WHERE id = $1', [subject[0]!.fetch_id]);
    expect(evidence).toEqual({ question_id: picked.subject, lang: 'fr' });

    // The vanished deadline stays stored, recorded as missing.
    const stored = (await getQuestion(t.db, picked.vanished))!;
    expect(stored.answerDeadline).not.toBeNull();
    const { rows: missing } = await t.db.query<{ field: string; kind: string }>('SELECT field, kind FROM changes WHERE question_id = $1', [picked.vanished]);
    expect(missing).toEqual([{ field: 'answerDeadline', kind: 'source_field_missing' }]);
  }, 120_000);

  it('records the translation arriving a day later as translation_arrived', async () => {
    fake.answerArrives(picked.frThenNl, { lang: 'nl', date: '2026-11-20', text: 'De minister antwoordt.\n\nTweede alinea.' });
    const run = await crawlInProcess(fake, t.db, { env: ENV, full: true });
    expect(run.status).toBe('succeeded');
    expect(await eventsOf(picked.frThenNl)).toEqual(['question_new', 'answer_arrived:fr', 'status_changed', 'translation_arrived:nl']);
    const counts = await eventCounts();
    expect(counts).toMatchObject({ answer_arrived: 2, translation_arrived: 2, status_changed: 3, reminder_sent: 1, deadline_changed: 1, field_changed: 2 });
    // Every event has its delivery to the catch-all endpoint; the answers endpoint only answers.
    const { rows } = await t.db.query<{ endpoint: string; n: number }>('SELECT endpoint, count(*)::int AS n FROM webhook_deliveries GROUP BY endpoint ORDER BY endpoint');
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(rows).toEqual([
      { endpoint: 'http://127.0.0.1:9/all', n: total },
      { endpoint: 'http://127.0.0.1:9/answers', n: 4 },
    ]);
  }, 120_000);

  it('writes nothing when the unchanged Senate is crawled again', async () => {
    const before = await totals();
    const run = await crawlInProcess(fake, t.db, { env: ENV, full: true });
    expect(run.status).toBe('succeeded');
    expect(await totals()).toEqual(before);
  }, 120_000);

  it('writes question_gone once when a question is no longer served', async () => {
    const gone = fake.ids().find((id) => !Object.values(picked).includes(id))!;
    fake.removeQuestion(gone);
    const env = { ...ENV, GONE_AFTER_MISSES: '1', GONE_AFTER_DAYS: '0' };
    await crawlInProcess(fake, t.db, { env, full: true });
    await crawlInProcess(fake, t.db, { env, full: true });
    expect(await eventsOf(gone)).toEqual(['question_new', 'question_gone']);
    expect((await getQuestion(t.db, gone))!.goneSince).toBeInstanceOf(Date);
  }, 120_000);

  it('reproduces every question stored, replaying its changes from its first version', async () => {
    const { rows: all } = await t.db.query<{ id: string }>('SELECT id FROM questions');
    const stored = await getQuestions(t.db, all.map((r) => r.id));
    expect(stored).toHaveLength(fake.ids().length + 1);
    const { rows } = await t.db.query<{ n: number }>('SELECT count(DISTINCT question_id)::int AS n FROM changes');
    expect(rows[0]!.n, 'questions with changes (a precondition)').toBeGreaterThanOrEqual(8);
    for (const q of stored) {
      const replay = await loadReplay(t.db, q.id);
      expect(replay, `${q.id} has a first version`).not.toBeNull();
      expect(replayChanges(replay!.origin, replay!.changes), q.id).toEqual(canonicalRecord(q));
    }
  });
});
