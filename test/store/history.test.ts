import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BilingualQuestion } from '../../src/senate/question-record.ts';
import { archiveFetch } from '../../src/store/archive.ts';
import { canonicalRecord, changeRef, loadReplay, planHistory, recordGone, replayChanges, type HistoryPlan } from '../../src/store/history.ts';
import { getQuestion, upsertQuestion, type UpsertContext } from '../../src/store/questions.ts';
import { createRun } from '../../src/store/runs.ts';
import { pgliteTestDb, pgTestDb, type TestDb } from '../helpers/db.ts';
import { question } from '../helpers/questions.ts';

/** 8-100: pending, asked in French, no answer yet. */
function pending(): BilingualQuestion {
  const q = question({ id: '8-100', legislature: 8, number: 100, status: 'pending', answerDeadline: '2025-02-01', originalLanguage: 'fr', relations: [] });
  q.events = [{ date: '2025-01-01', type: 'sent', label: 'Envoi question' }];
  return q;
}

function answeredIn(q: BilingualQuestion, langs: ('fr' | 'nl')[], text = 'Réponse du ministre.'): BilingualQuestion {
  const out = structuredClone(q);
  out.status = 'answered';
  out.answerDate = '2025-01-20';
  out.events = [...out.events, { date: '2025-01-20', type: 'answered', label: 'Réponse' }];
  for (const l of langs) out.texts[l]!.answer = { date: '2025-01-20', text: `${text} (${l})`, html: `<p>${text} (${l})</p>` };
  return out;
}

const types = (plan: HistoryPlan) => plan.events.map((e) => `${e.type}${e.lang ? `:${e.lang}` : ''}`);
const rows = (plan: HistoryPlan) => plan.changes.map((c) => `${c.kind} ${changeRef(c.lang, c.field)}`);
const senate = { cause: 'senate' } as const;

describe('planHistory', () => {
  it('plans nothing for the same record', () => {
    expect(planHistory(pending(), pending(), senate)).toMatchObject({ changes: [], events: [] });
  });

  describe('when a subject is corrected', () => {
    it('plans one change with old and new values and one field_changed', () => {
      const after = pending();
      after.texts.fr!.subject = 'Prisons belges - Surpopulation carcérale';
      const plan = planHistory(pending(), after, senate);
      expect(plan.changes).toEqual([{ lang: 'fr', field: 'subject', kind: 'changed', old: 'Prisons belges - Surpopulation - Quotas', new: 'Prisons belges - Surpopulation carcérale' }]);
      expect(plan.events).toEqual([
        expect.objectContaining({ type: 'field_changed', lang: 'fr', change: 'fr|subject', payload: expect.objectContaining({ field: 'subject', old: 'Prisons belges - Surpopulation - Quotas', new: 'Prisons belges - Surpopulation carcérale' }) }),
      ]);
    });
  });

  describe('when a text changes only in whitespace', () => {
    const reformatted = () => {
      const after = pending();
      after.texts.fr!.questionText = after.texts.fr!.questionText.replace('\n\n', ' \n\n  ');
      after.texts.nl!.subject = `  ${after.texts.nl!.subject!.replace(' - ', '\u00a0-  ')}`;
      return after;
    };

    it('on the page of the Senate, writes nothing and keeps the stored text (formatting churn is not a change)', () => {
      const plan = planHistory(pending(), reformatted(), senate);
      expect(plan.changes).toEqual([]);
      expect(plan.events).toEqual([]);
      expect(plan.record).toEqual(pending());
    });

    it('read so by a newer parser, stores it as a reformatted row, with no event', () => {
      const plan = planHistory(pending(), reformatted(), { cause: 'parser' });
      expect(rows(plan)).toEqual(['reformatted fr|questionText', 'reformatted nl|subject']);
      expect(plan.events).toEqual([]);
      expect(plan.record.texts.nl!.subject).toBe(reformatted().texts.nl!.subject);
    });
  });

  describe('when an answer arrives in French, then a day later in Dutch', () => {
    it('plans answer_arrived for French, then translation_arrived for Dutch, and nothing else', () => {
      const fr = answeredIn(pending(), ['fr']);
      const first = planHistory(pending(), fr, senate);
      expect(types(first)).toEqual(['answer_arrived:fr', 'status_changed']);
      expect(rows(first)).toEqual(['changed |status', 'changed |events', 'changed |answerDate', 'changed fr|answer']);
      expect(first.events[0]!.payload).toMatchObject({ lang: 'fr', answerDate: '2025-01-20', excerpt: 'Réponse du ministre. (fr)', author: 'Bert Anciaux' });
      expect(first.events[1]!.payload).toMatchObject({ from: 'pending', to: 'answered' });

      const both = answeredIn(pending(), ['fr', 'nl']);
      const second = planHistory(fr, both, senate);
      expect(types(second)).toEqual(['translation_arrived:nl']);
      expect(rows(second)).toEqual(['changed nl|answer']);
    });
  });

  describe('when both languages show the answer at once', () => {
    it('plans answer_arrived in the language of the question and translation_arrived in the other', () => {
      const before = pending();
      before.originalLanguage = 'nl';
      const after = answeredIn(before, ['fr', 'nl']);
      expect(types(planHistory(before, after, senate))).toEqual(['answer_arrived:nl', 'translation_arrived:fr', 'status_changed']);
    });
  });

  describe('when a stored answer is reworded', () => {
    it('plans answer_changed with both excerpts', () => {
      const before = answeredIn(pending(), ['fr']);
      const after = answeredIn(pending(), ['fr'], 'Réponse corrigée.');
      const plan = planHistory(before, after, senate);
      expect(types(plan)).toEqual(['answer_changed:fr']);
      expect(plan.events[0]!.payload).toMatchObject({ excerpt: 'Réponse corrigée. (fr)', previousExcerpt: 'Réponse du ministre. (fr)' });
    });
  });

  describe('when a reminder is sent, the deadline moves and the question is reintroduced', () => {
    it('plans reminder_sent, deadline_changed and reintroduced, and no field_changed for what they explain', () => {
      const after = pending();
      after.events.push({ date: '2025-02-10', type: 'reminder', label: 'Rappel' });
      after.answerDeadline = '2025-03-01';
      after.relations = [{ kind: 'reintroduced_as', target: '8-200', targetType: 'written_question', label: 'Réintroduite comme' }];
      const plan = planHistory(pending(), after, senate);
      expect(types(plan).sort()).toEqual(['deadline_changed', 'reintroduced', 'reminder_sent']);
      expect(plan.events.find((e) => e.type === 'reminder_sent')!.key).toBe('reminder|2025-02-10');
      expect(plan.events.find((e) => e.type === 'reintroduced')!.payload).toMatchObject({ as: '8-200' });
      expect(plan.events.find((e) => e.type === 'deadline_changed')!.payload).toMatchObject({ from: '2025-02-01', to: '2025-03-01' });
    });
  });

  describe('when the status changes to closed, lapsed or requalified', () => {
    it.each(['closed', 'lapsed', 'requalified'] as const)('plans status_changed to %s', (to) => {
      const after = pending();
      after.status = to;
      after.events.push({ date: '2025-03-01', type: to, label: to });
      const plan = planHistory(pending(), after, senate);
      expect(types(plan)).toEqual(['status_changed']);
      expect(plan.events[0]!.payload).toMatchObject({ from: 'pending', to });
    });
  });

  describe('when a field vanishes from the page', () => {
    it('keeps the stored value and plans source_field_missing, once', () => {
      const after = pending();
      after.texts.nl!.subject = null;
      after.texts.fr!.keywords = [];
      const plan = planHistory(pending(), after, senate);
      expect(plan.record.texts.nl!.subject).toBe(pending().texts.nl!.subject);
      expect(plan.record.texts.fr!.keywords).toEqual(pending().texts.fr!.keywords);
      expect(plan.changes).toEqual([
        { lang: 'fr', field: 'keywords', kind: 'source_field_missing', old: pending().texts.fr!.keywords, new: null },
        { lang: 'nl', field: 'subject', kind: 'source_field_missing', old: pending().texts.nl!.subject, new: null },
      ]);
      expect(plan.events).toEqual([]);
      const again = planHistory(pending(), after, { cause: 'senate', openMissing: new Set(['fr|keywords', 'nl|subject']) });
      expect(again.changes).toEqual([]);
    });

    it('does not take a vanished answer for a change, and raises no answer event when it shows again', () => {
      const before = answeredIn(pending(), ['fr']);
      const after = structuredClone(before);
      after.texts.fr!.answer = null;
      const plan = planHistory(before, after, senate);
      expect(rows(plan)).toEqual(['source_field_missing fr|answer']);
      expect(plan.record.texts.fr!.answer).toEqual(before.texts.fr!.answer);
      expect(planHistory(plan.record, before, senate).changes).toEqual([]);
    });
  });

  describe('when a language is stored for the first time', () => {
    it('records each of its fields from null and raises only the answer event', () => {
      const before = answeredIn(pending(), ['fr']);
      delete before.texts.nl;
      const after = answeredIn(pending(), ['fr', 'nl']);
      const plan = planHistory(before, after, senate);
      expect(plan.changes.filter((c) => c.lang === 'nl').map((c) => c.field)).toEqual(['title', 'addressee', 'subject', 'keywords', 'questionText', 'answer', 'repairs', 'unknownLabels']);
      expect(plan.changes.every((c) => c.old === null && c.kind === 'changed')).toBe(true);
      expect(types(plan)).toEqual(['translation_arrived:nl']);
    });
  });

  describe('when the parser changed (a reparse)', () => {
    it('plans the same changes and no event', () => {
      const after = answeredIn(pending(), ['fr']);
      after.texts.nl!.repairs = 0;
      const plan = planHistory(pending(), after, { cause: 'parser' });
      expect(rows(plan)).toEqual(['changed |status', 'changed |events', 'changed |answerDate', 'changed fr|answer', 'changed nl|repairs']);
      expect(plan.events).toEqual([]);
    });
  });

  it('raises no event for the diagnostics of a parse (repairs, unknown labels, conflicts)', () => {
    const after = pending();
    after.texts.nl!.repairs = 0;
    after.texts.fr!.unknownLabels = ['Nouveau libellé'];
    after.conflicts = ['sentDate: fr 2025-01-01 ≠ nl 2025-01-02'];
    const plan = planHistory(pending(), after, senate);
    expect(plan.changes).toHaveLength(3);
    expect(plan.events).toEqual([]);
  });
});

describe('replayChanges', () => {
  it('applies the changes in order to the first version, skipping source_field_missing', () => {
    const origin = canonicalRecord(pending());
    const now = answeredIn(pending(), ['fr']);
    now.texts.fr!.subject = 'Autre sujet';
    const replayed = replayChanges(origin, [
      { lang: null, field: 'status', kind: 'changed', newValue: 'answered' },
      { lang: null, field: 'events', kind: 'changed', newValue: now.events },
      { lang: null, field: 'answerDate', kind: 'changed', newValue: '2025-01-20' },
      { lang: 'fr', field: 'answer', kind: 'changed', newValue: now.texts.fr!.answer },
      { lang: 'fr', field: 'subject', kind: 'reformatted', newValue: 'Autre  sujet' },
      { lang: 'fr', field: 'subject', kind: 'changed', newValue: 'Autre sujet' },
      { lang: 'nl', field: 'subject', kind: 'source_field_missing', newValue: null },
    ]);
    expect(replayed).toEqual(canonicalRecord(now));
  });
});

describe.each([
  ['PostgreSQL', pgTestDb],
  ['PGlite', pgliteTestDb],
] as const)('change history in the store on %s', (_engine, open) => {
  let t: TestDb;
  let runId: number;
  const endpoints = [{ url: 'http://127.0.0.1:9/all', events: '*' as const }, { url: 'http://127.0.0.1:9/answers', events: ['answer_arrived' as const] }];
  beforeAll(async () => {
    t = await open();
  });
  afterAll(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.exec('DELETE FROM questions; DELETE FROM events; DELETE FROM fetches; DELETE FROM crawl_runs');
    runId = await createRun(t.db, { legislatures: [8] });
  });

  const ctx = (extra: Partial<UpsertContext> = {}): UpsertContext => ({ parserVersion: 'p1', runId, endpoints, ...extra });
  const count = async (table: string): Promise<number> => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  const eventTypes = async (): Promise<string[]> => (await t.db.query<{ type: string; lang: string | null }>('SELECT type, lang FROM events ORDER BY seq')).rows.map((r) => `${r.type}${r.lang ? `:${r.lang}` : ''}`);
  const fetchOf = async (lang: 'fr' | 'nl') =>
    (await archiveFetch(t.db, { runId, kind: 'question', url: `http://127.0.0.1/${lang}/${Math.random()}`, questionId: '8-100', lang, status: 200, body: Buffer.from(`${lang}${Math.random()}`) })).fetchId;
  const replayMatches = async (id: string): Promise<void> => {
    const replay = await loadReplay(t.db, id);
    expect(replay, `${id} has a first version`).not.toBeNull();
    expect(replayChanges(replay!.origin, replay!.changes)).toEqual(canonicalRecord((await getQuestion(t.db, id))!));
  };

  describe('when a question is stored for the first time', () => {
    it('writes question_new only, its first version, and outbox rows for the endpoints that want it', async () => {
      expect(await upsertQuestion(t.db, pending(), ctx({ fetchIds: { fr: await fetchOf('fr') } }))).toBe('new');
      expect(await eventTypes()).toEqual(['question_new']);
      expect(await count('changes')).toBe(0);
      const { rows: [origin] } = await t.db.query<{ record: unknown; run_id: number; parser_version: string }>('SELECT record, run_id, parser_version FROM question_origins');
      expect(origin).toEqual({ record: canonicalRecord(pending()), run_id: runId, parser_version: 'p1' });
      const { rows } = await t.db.query<{ endpoint: string }>('SELECT endpoint FROM webhook_deliveries ORDER BY endpoint');
      expect(rows.map((r) => r.endpoint)).toEqual(['http://127.0.0.1:9/all']);
    });
  });

  describe('when the same record is stored again (a re-run crawl, a replayed job)', () => {
    it('writes nothing', async () => {
      await upsertQuestion(t.db, pending(), ctx());
      const changed = answeredIn(pending(), ['fr']);
      await upsertQuestion(t.db, changed, ctx());
      const before = [await count('changes'), await count('events'), await count('webhook_deliveries')];
      expect(await upsertQuestion(t.db, changed, ctx())).toBe('unchanged');
      expect(await upsertQuestion(t.db, changed, ctx({ cause: 'parser' }))).toBe('unchanged');
      expect([await count('changes'), await count('events'), await count('webhook_deliveries')]).toEqual(before);
    });
  });

  describe('when a subject is corrected', () => {
    it('writes one changes row linked to its fetch and run, and one field_changed', async () => {
      await upsertQuestion(t.db, pending(), ctx());
      const corrected = pending();
      corrected.texts.nl!.subject = 'Belgische gevangenissen - Overbevolking';
      const fetchId = await fetchOf('nl');
      const now = new Date('2025-01-05T03:00:00Z');
      expect(await upsertQuestion(t.db, corrected, ctx({ fetchIds: { nl: fetchId }, now }))).toBe('changed');
      const { rows } = await t.db.query('SELECT lang, field, old_value, new_value, observed_at, fetch_id, run_id, parser_version, cause, kind FROM changes');
      expect(rows).toEqual([
        { lang: 'nl', field: 'subject', old_value: 'Belgische gevangenissen - Overbezetting - Quota', new_value: 'Belgische gevangenissen - Overbevolking', observed_at: now, fetch_id: fetchId, run_id: runId, parser_version: 'p1', cause: 'senate', kind: 'changed' },
      ]);
      expect(await eventTypes()).toEqual(['question_new', 'field_changed:nl']);
      const { rows: [event] } = await t.db.query<{ payload: Record<string, unknown>; run_id: number; occurred_at: Date }>("SELECT payload, run_id, occurred_at FROM events WHERE type = 'field_changed'");
      expect(event).toMatchObject({ run_id: runId, occurred_at: now, payload: { field: 'subject', old: 'Belgische gevangenissen - Overbezetting - Quota', new: 'Belgische gevangenissen - Overbevolking' } });
      await replayMatches('8-100');
    });
  });

  describe('when an answer arrives in French, then in Dutch', () => {
    it('writes exactly one answer_arrived and one translation_arrived, and the outbox rows', async () => {
      await upsertQuestion(t.db, pending(), ctx());
      await upsertQuestion(t.db, answeredIn(pending(), ['fr']), ctx());
      await upsertQuestion(t.db, answeredIn(pending(), ['fr', 'nl']), ctx());
      await upsertQuestion(t.db, answeredIn(pending(), ['fr', 'nl']), ctx());
      expect(await eventTypes()).toEqual(['question_new', 'answer_arrived:fr', 'status_changed', 'translation_arrived:nl']);
      const { rows } = await t.db.query<{ type: string; endpoint: string }>('SELECT e.type, d.endpoint FROM webhook_deliveries d JOIN events e ON e.id = d.event_id ORDER BY e.seq, d.endpoint');
      expect(rows.filter((r) => r.endpoint.endsWith('/answers')).map((r) => r.type)).toEqual(['answer_arrived']);
      expect(rows.filter((r) => r.endpoint.endsWith('/all'))).toHaveLength(4);
      await replayMatches('8-100');
    });
  });

  describe('when a field vanishes from the page', () => {
    it('keeps the stored value and records source_field_missing once, not on every run', async () => {
      await upsertQuestion(t.db, pending(), ctx());
      const without = pending();
      without.texts.fr!.subject = null;
      for (let i = 0; i < 3; i++) expect(await upsertQuestion(t.db, without, ctx())).toBe('unchanged');
      expect((await getQuestion(t.db, '8-100'))!.texts.fr!.subject).toBe(pending().texts.fr!.subject);
      const { rows } = await t.db.query('SELECT lang, field, kind, old_value, new_value FROM changes');
      expect(rows).toEqual([{ lang: 'fr', field: 'subject', kind: 'source_field_missing', old_value: pending().texts.fr!.subject, new_value: null }]);
      expect(await eventTypes()).toEqual(['question_new']);
      await replayMatches('8-100');
    });
  });

  describe('when the Senate reprints a text with other whitespace', () => {
    it('writes nothing and keeps the stored text, crawl after crawl', async () => {
      await upsertQuestion(t.db, pending(), ctx());
      const reprinted = pending();
      reprinted.texts.fr!.questionText = reprinted.texts.fr!.questionText.replace('\n\n', '\n\n\n ');
      for (let i = 0; i < 2; i++) expect(await upsertQuestion(t.db, reprinted, ctx())).toBe('unchanged');
      expect((await getQuestion(t.db, '8-100'))!.texts.fr!.questionText).toBe(pending().texts.fr!.questionText);
      expect([await count('changes'), await count('events')]).toEqual([0, 1]);
    });
  });

  describe('when a reparse changes stored values', () => {
    it('writes changes marked cause parser with its version, no event, and nothing on a second identical reparse', async () => {
      await upsertQuestion(t.db, pending(), ctx());
      const reparsed = pending();
      reparsed.texts.nl!.repairs = 0;
      reparsed.texts.fr!.questionText = 'Lors de récents conflits…\nVoici mes questions.';
      expect(await upsertQuestion(t.db, reparsed, ctx({ cause: 'parser', parserVersion: 'p2' }))).toBe('changed');
      expect(await upsertQuestion(t.db, reparsed, ctx({ cause: 'parser', parserVersion: 'p2' }))).toBe('unchanged');
      const { rows } = await t.db.query<{ field: string; cause: string; kind: string; parser_version: string }>('SELECT field, cause, kind, parser_version FROM changes ORDER BY id');
      expect(rows).toEqual([
        { field: 'questionText', cause: 'parser', kind: 'reformatted', parser_version: 'p2' },
        { field: 'repairs', cause: 'parser', kind: 'changed', parser_version: 'p2' },
      ]);
      expect(await eventTypes()).toEqual(['question_new']);
      await replayMatches('8-100');
    });
  });

  describe('when a question goes and comes back', () => {
    it('writes question_gone once and question_back when it is stored again', async () => {
      await upsertQuestion(t.db, pending(), ctx());
      expect(await recordGone(t.db, '8-100', { runId, endpoints })).toBe(true);
      expect(await recordGone(t.db, '8-100', { runId, endpoints })).toBe(false);
      expect(await recordGone(t.db, '8-404', { runId, endpoints })).toBe(false);
      expect((await getQuestion(t.db, '8-100'))!.goneSince).toBeInstanceOf(Date);
      await upsertQuestion(t.db, pending(), ctx());
      await upsertQuestion(t.db, pending(), ctx());
      expect((await getQuestion(t.db, '8-100'))!.goneSince).toBeNull();
      expect(await eventTypes()).toEqual(['question_new', 'question_gone', 'question_back']);
    });
  });

  describe('when a question was stored before change history', () => {
    it('keeps what was stored as its first version at its first change', async () => {
      await upsertQuestion(t.db, pending(), ctx({ history: false }));
      await upsertQuestion(t.db, answeredIn(pending(), ['nl']), ctx());
      expect(await count('question_origins')).toBe(1);
      await replayMatches('8-100');
    });
  });
});

describe('two workers storing the same question at once (PostgreSQL)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await pgTestDb();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('write one set of changes and events, for a new version and for a changed one', async () => {
    for (let i = 0; i < 5; i++) {
      const id = `8-${500 + i}`;
      const base = { ...pending(), id, number: 500 + i };
      const outcomes = await Promise.all([upsertQuestion(t.db, base, { parserVersion: 'p' }), upsertQuestion(t.db, base, { parserVersion: 'p' })]);
      expect(outcomes.sort()).toEqual(['new', 'unchanged']);
      const changed = { ...answeredIn(base, ['fr']), id, number: 500 + i };
      changed.texts.nl!.subject = 'Ander onderwerp';
      const again = await Promise.all([upsertQuestion(t.db, changed, { parserVersion: 'p' }), upsertQuestion(t.db, changed, { parserVersion: 'p' })]);
      expect(again.sort()).toEqual(['changed', 'unchanged']);
    }
    const { rows } = await t.db.query<{ question_id: string; changes: number; events: number }>(
      `SELECT q.id AS question_id, (SELECT count(*)::int FROM changes c WHERE c.question_id = q.id) AS changes,
              (SELECT count(*)::int FROM events e WHERE e.question_id = q.id) AS events FROM questions q ORDER BY q.id`,
    );
    // status, events, answerDate, fr answer, nl subject; question_new, answer_arrived, status_changed, field_changed.
    expect(rows.map((r) => [r.changes, r.events])).toEqual(Array.from({ length: 5 }, () => [5, 4]));
  });
});
