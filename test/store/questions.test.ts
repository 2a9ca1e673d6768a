import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveFetch, archivedQuestionPages, getValidators, loadBody, saveValidators } from '../../src/store/archive.ts';
import { IDENTITY_FIELDS, SHARED_FIELDS, TEXT_FIELDS } from '../../src/senate/fields.ts';
import { contentHashes, getQuestion, highestKnownNumber, refetchCandidates, unknownRelationTargets, upsertQuestion } from '../../src/store/questions.ts';
import { addToRun, cancelDeadInProcessRuns, createRun, finishRun, getRun } from '../../src/store/runs.ts';
import { pgliteTestDb, pgTestDb, type TestDb } from '../helpers/db.ts';
import { answered, question } from '../helpers/questions.ts';

describe('contentHashes', () => {
  it('keeps the hashes records were stored with (a changed hash would rewrite every stored question)', () => {
    // Computed with the hash functions as they were before the field table (main at 4600149).
    expect(contentHashes(question())).toEqual({
      shared: '9b2502ca7d513abe3c338f8da137c1ba6faa6629f67654f5dec1be7876249ec7',
      texts: {
        fr: 'f74d1d448f49715499e494073b257857fcdf09c45cc87123bd207451c47387c7',
        nl: 'c7f9c2aefc5e7d12ce3029d5deb2ffa21caecdecee96931a5984967791cce7a3',
      },
    });
  });
});

describe.each([
  ['PostgreSQL', pgTestDb],
  ['PGlite', pgliteTestDb],
] as const)('the question store on %s', (_engine, open) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('reads back exactly the bilingual record it stored', async () => {
    expect(await upsertQuestion(t.db, question(), { parserVersion: 'test' })).toBe('new');
    const stored = await getQuestion(t.db, '5-3820');
    const { firstSeenAt, lastFetchedAt, lastChangedAt, goneSince, deadlineEstimated, ...record } = stored!;
    expect(record).toEqual(question());
    expect(firstSeenAt).toBeInstanceOf(Date);
    expect(goneSince).toBeNull();
    expect(deadlineEstimated).toBe(false);
    expect(lastChangedAt?.getTime()).toBe(lastFetchedAt?.getTime());
  });

  it('has every column the field table names', async () => {
    const columns = async (table: string) => {
      const { rows } = await t.db.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
        [table],
      );
      return rows.map((r) => r.column_name);
    };
    const named = (fields: object) => Object.values(fields).flatMap((f: { storage: { columns?: { name: string }[] } }) => f.storage.columns?.map((c) => c.name) ?? []);
    expect(await columns('questions')).toEqual(expect.arrayContaining([...named(IDENTITY_FIELDS), ...named(SHARED_FIELDS)]));
    expect(await columns('question_texts')).toEqual(expect.arrayContaining(named(TEXT_FIELDS)));
  });

  it('answers unchanged for the same record, and changed when a field differs', async () => {
    expect(await upsertQuestion(t.db, question(), { parserVersion: 'test' })).toBe('unchanged');
    const corrected = question();
    corrected.texts.fr!.subject = 'Prisons belges - Surpopulation carcérale - Quotas';
    expect(await upsertQuestion(t.db, corrected, { parserVersion: 'test' })).toBe('changed');
    expect((await getQuestion(t.db, '5-3820'))!.texts.fr!.subject).toBe('Prisons belges - Surpopulation carcérale - Quotas');
  });

  it('keeps the stored language when a record comes with only the other one', async () => {
    const onlyFr = question();
    delete onlyFr.texts.nl;
    await upsertQuestion(t.db, onlyFr, { parserVersion: 'test' });
    const stored = await getQuestion(t.db, '5-3820');
    expect(stored!.texts.nl!.subject).toBe('Belgische gevangenissen - Overbezetting - Quota');
  });

  it('stores answers with their table html, and relations to questions not crawled yet', async () => {
    expect(await upsertQuestion(t.db, answered(), { parserVersion: 'test' })).toBe('new');
    const stored = await getQuestion(t.db, '5-4712');
    expect(stored!.texts.nl!.answer).toEqual(answered().texts.nl!.answer);
    expect(stored!.relations).toEqual(answered().relations);
    expect(await highestKnownNumber(t.db, 5)).toBe(4712);
    await upsertQuestion(t.db, question({ id: '5-10', number: 10, relations: [{ kind: 'also_asked_to', target: '5-11', targetType: 'written_question', label: 'Ook gesteld aan' }] }), { parserVersion: 'test' });
    expect(await unknownRelationTargets(t.db, 5)).toEqual(['5-11']);
  });

  it('replaces the chronology and the relations when they grow or shrink, and keeps them when a page shows none', async () => {
    const id = { id: '5-77', number: 77 };
    const longer = question({ ...id, events: [...question().events, { date: '2012-01-09', type: 'reminder', label: 'Herinnering' }] });
    const shorter = question({ ...id, events: [{ date: '2011-11-28', type: 'sent', label: 'Envoi question' }], relations: answered().relations });
    const empty = question({ ...id, events: [], relations: [] });
    // A list that vanished from the page is not erased (change history: source_field_missing).
    for (const [q, outcome, expected] of [[question(id), 'new', question(id)], [longer, 'changed', longer], [shorter, 'changed', shorter], [empty, 'unchanged', shorter], [question(id), 'changed', question(id)]] as const) {
      expect(await upsertQuestion(t.db, q, { parserVersion: 'test' })).toBe(outcome);
      const { firstSeenAt, lastFetchedAt, lastChangedAt, goneSince, deadlineEstimated, ...record } = (await getQuestion(t.db, '5-77'))!;
      expect(record).toEqual(expected);
    }
  });

  it('without change history, stores every state as given, empty lists included', async () => {
    const id = { id: '5-78', number: 78 };
    const empty = question({ ...id, events: [], relations: [] });
    for (const [q, outcome] of [[question(id), 'new'], [empty, 'changed'], [question(id), 'changed']] as const) {
      expect(await upsertQuestion(t.db, q, { parserVersion: 'test', history: false })).toBe(outcome);
      const { firstSeenAt, lastFetchedAt, lastChangedAt, goneSince, deadlineEstimated, ...record } = (await getQuestion(t.db, '5-78'))!;
      expect(record).toEqual(q);
    }
    const { rows } = await t.db.query<{ n: number }>("SELECT (SELECT count(*)::int FROM changes WHERE question_id = '5-78') + (SELECT count(*)::int FROM events WHERE question_id = '5-78') + (SELECT count(*)::int FROM question_origins WHERE question_id = '5-78') AS n");
    expect(rows[0]!.n).toBe(0);
  });

  it('lists as refetch candidates only the questions that can still change', async () => {
    const now = new Date('2012-05-20T00:00:00Z');
    await upsertQuestion(t.db, question({ id: '5-20', number: 20, status: 'pending', events: [] }), { parserVersion: 'test' });
    const ids = await refetchCandidates(t.db, 5, 30, now);
    expect(ids).toEqual(['5-20', '5-4712']);
    expect(await refetchCandidates(t.db, 5, 5, now)).toEqual(['5-20']);
  });

  it('archives each distinct body once and gives it back byte for byte', async () => {
    const body = Buffer.from([0x3c, 0x70, 0x3e, 0x80, 0x8e, 0xe9, 0x3c]);
    const a = await archiveFetch(t.db, { kind: 'question', url: 'u1', questionId: '5-3820', lang: 'nl', status: 200, body, headers: { 'content-type': 'text/html' } });
    const b = await archiveFetch(t.db, { kind: 'question', url: 'u1', questionId: '5-3820', lang: 'nl', status: 200, body });
    expect(a.sha256).toBe(b.sha256);
    expect(b.fetchId).toBeGreaterThan(a.fetchId);
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM fetch_bodies');
    expect(rows[0]!.n).toBe(1);
    expect((await loadBody(t.db, a.sha256!))!.equals(body)).toBe(true);
    const pages = [];
    for await (const p of archivedQuestionPages(t.db, { legislature: 5 })) pages.push(p);
    expect(pages.map((p) => [p.questionId, p.lang, p.fetchId, p.body.equals(body)])).toEqual([['5-3820', 'nl', b.fetchId, true]]);
  });

  it('keeps HTTP validators per URL', async () => {
    await saveValidators(t.db, 'u1', { etag: '"abc"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT', sha256: 'x' });
    await saveValidators(t.db, 'u1', { etag: '"def"', lastModified: null, sha256: 'y' });
    expect(await getValidators(t.db, 'u1')).toEqual({ etag: '"def"', lastModified: null, sha256: 'y', contentType: null });
    expect(await getValidators(t.db, 'u2')).toBeNull();
  });

  it('marks in-process runs of dead processes cancelled, and leaves live ones and other hosts alone', async () => {
    const dead = await createRun(t.db, { legislatures: [8], options: { runner: 'in-process', host: 'here', pid: 111 } });
    const live = await createRun(t.db, { legislatures: [8], options: { runner: 'in-process', host: 'here', pid: 222 } });
    const elsewhere = await createRun(t.db, { legislatures: [8], options: { runner: 'in-process', host: 'there', pid: 111 } });
    const fleet = await createRun(t.db, { legislatures: [8], options: { runner: 'bullmq' } });
    expect(await cancelDeadInProcessRuns(t.db, 'here', (pid) => pid === 222)).toEqual([dead]);
    const status = async (id: number) => (await getRun(t.db, id))!.status;
    expect([await status(dead), await status(live), await status(elsewhere), await status(fleet)]).toEqual(['cancelled', 'running', 'running', 'running']);
  });

  it('adds to a run counters from several writers and closes it once', async () => {
    const id = await createRun(t.db, { legislatures: [5], mode: 'full' });
    await Promise.all([addToRun(t.db, id, { requests: 2, bytes: 100 }), addToRun(t.db, id, { requests: 3, questionsNew: 1 })]);
    await finishRun(t.db, id, 'succeeded');
    await finishRun(t.db, id, 'failed', 'late');
    const run = await getRun(t.db, id);
    expect(run).toMatchObject({ id, mode: 'full', legislatures: [5], status: 'succeeded', requests: 5, bytes: 100, questionsNew: 1, error: null });
    expect(run!.durationMs).toBeGreaterThanOrEqual(0);
  });
});
