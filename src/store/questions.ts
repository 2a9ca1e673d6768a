/**
 * The questions repository: upsert of one bilingual record, reads for the crawler's
 * incremental rule. A language missing from the input (its fetch failed) is left as stored:
 * a failed fetch or a bad parse never blanks what we have.
 */
import { createHash } from 'node:crypto';
import {
  canonicalParts,
  IDENTITY_FIELDS,
  SHARED_FIELD_NAMES,
  SHARED_FIELDS,
  TEXT_FIELD_NAMES,
  TEXT_FIELDS,
  type Column,
  type Field,
} from '../senate/fields.ts';
import type { BilingualQuestion, ChronologyEvent, Lang, QuestionTexts, Relation } from '../senate/question-record.ts';
import type { Db, Queryable } from './db.ts';
import { updateAddresseeKeys } from './monitoring.ts';
import { eventWriteCtes, type NewEvent, type WebhookEndpoint } from './events.ts';
import { canonicalRecord, missingFields, openMissingFields, planHistory, writeHistory, writeOrigin, writeQuestionBack, questionNewEvents, type ChangeCause } from './history.ts';

/** What the store takes: the parser's bilingual record (per-language fields in `texts`). */
export type QuestionInput = BilingualQuestion;
export type QuestionTextsInput = QuestionTexts;

export interface UpsertContext {
  parserVersion: string;
  runId?: number | null;
  /** fetch id of the response each language was parsed from */
  fetchIds?: Partial<Record<Lang, number>>;
  now?: Date;
  /**
   * What the differences are attributed to (change history): 'senate' (default), the page
   * changed; 'parser', a reparse read the archived page differently (changes, no events).
   */
  cause?: ChangeCause;
  /** Webhook endpoints (WEBHOOKS) that get outbox rows for the events. Default none. */
  endpoints?: readonly WebhookEndpoint[];
  /** false: store the latest state only, no changes, origins or events (CHANGE_HISTORY=off). Default true. */
  history?: boolean;
}

export type UpsertOutcome = 'new' | 'changed' | 'unchanged';

export interface StoredQuestion extends QuestionInput {
  firstSeenAt: Date;
  lastFetchedAt: Date | null;
  lastChangedAt: Date | null;
  goneSince: Date | null;
  deadlineEstimated: boolean;
}

function sha(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/**
 * The content hashes of a record: one over its shared fields, one per language over its text
 * fields (canonical values, in the field table's order). Equal hashes mean no field changed.
 */
export function contentHashes(q: QuestionInput): { shared: string; texts: Partial<Record<Lang, string>> } {
  const texts: Partial<Record<Lang, string>> = {};
  for (const [lang, t] of Object.entries(q.texts) as [Lang, QuestionTexts | undefined][]) {
    if (t) texts[lang] = sha(canonicalParts(TEXT_FIELD_NAMES, t as unknown as Record<string, unknown>));
  }
  return { shared: sha(canonicalParts(SHARED_FIELD_NAMES, q as unknown as Record<string, unknown>)), texts };
}

type NamedField = readonly [name: string, field: Field<unknown>];
type StoredColumn = Column & { field: string; index: number };

function columnFields(fields: object): NamedField[] {
  return (Object.entries(fields) as [string, Field<unknown>][]).filter(([, f]) => 'columns' in f.storage);
}

/** The columns of `questions` (identity and shared fields) and of `question_texts` (text fields), from the field table. */
const QUESTION_FIELDS = [...columnFields(IDENTITY_FIELDS), ...columnFields(SHARED_FIELDS)];
const TEXT_COLUMN_FIELDS = columnFields(TEXT_FIELDS);

function columnsOf(fields: readonly NamedField[]): StoredColumn[] {
  return fields.flatMap(([field, f]) => ('columns' in f.storage ? f.storage.columns.map((c, index) => ({ ...c, field, index })) : []));
}
const QUESTION_COLUMNS = columnsOf(QUESTION_FIELDS);
const TEXT_COLUMNS = columnsOf(TEXT_COLUMN_FIELDS);
const SHARED_COLUMNS = QUESTION_COLUMNS.filter((c) => !(c.field in IDENTITY_FIELDS));

/** The record's values for `columns`, in order (jsonb serialised for the driver). */
function columnValues(fields: readonly NamedField[], record: object): unknown[] {
  return fields.flatMap(([name, f]) => {
    const cols = 'columns' in f.storage ? f.storage.columns : [];
    const values = f.toColumns((record as Record<string, unknown>)[name]);
    return cols.map((c, i) => (c.type === 'jsonb' ? JSON.stringify(values[i]) : values[i]));
  });
}

/** The fields of `fields` read back from a row, by the table's columns. */
function fromRow(fields: readonly NamedField[], row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(fields.map(([name, f]) => [name, f.fromColumns(('columns' in f.storage ? f.storage.columns : []).map((c) => row[c.name]))]));
}

/**
 * Writes one question; returns whether it was new, changed or identical to what was stored.
 * With change history (the default): a question not stored yet is inserted with its first
 * version (question_origins) and its question_new event, in one statement; a stored one is
 * locked, compared field by field, and what changed is written with its `changes` rows and
 * events in one transaction (src/store/history.ts). The lock makes two writers of the same
 * version write one set.
 */
export async function upsertQuestion(db: Db, q: QuestionInput, ctx: UpsertContext): Promise<UpsertOutcome> {
  if (ctx.history === false) return upsertLatest(db, q, ctx);
  const now = ctx.now ?? new Date();
  const cause = ctx.cause ?? 'senate';
  const fetched = cause === 'senate';
  const hist = { cause, parserVersion: ctx.parserVersion, runId: ctx.runId ?? null, fetchIds: ctx.fetchIds, now, endpoints: ctx.endpoints };
  const { shared: sharedHash, texts: textHashes } = contentHashes(q);
  const langs = Object.keys(textHashes) as Lang[];

  // A question not stored yet (every question of a first crawl) costs one statement: the row, its
  // children, its first version and its question_new event with their outbox rows.
  const origin = { record: canonicalRecord(q), fetchIds: ctx.fetchIds ?? {} };
  const newEvents = cause === 'senate' ? { events: questionNewEvents(q, hist), endpoints: ctx.endpoints ?? [] } : undefined;
  const { rows: [created] } = await db.query<{ inserted: number }>(
    ...writeStatement('insert-new', q, ctx, { now, sharedHash, chronology: true, texts: langs.map((l) => [l, textHashes[l]!]), origin, newEvents, fetched }),
  );
  if (created?.inserted === 1) return 'new';

  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{
      content_sha256: string | null;
      text_hashes: Record<string, string> | null;
      gone_since: Date | null;
      parser_version: string | null;
      first_seen_at: Date;
      has_origin: boolean;
    }>(
      `SELECT q.content_sha256, q.gone_since, q.parser_version, q.first_seen_at,
              (SELECT jsonb_object_agg(t.lang, t.content_sha256) FROM question_texts t WHERE t.question_id = q.id) AS text_hashes,
              EXISTS (SELECT 1 FROM question_origins o WHERE o.question_id = q.id) AS has_origin
         FROM questions q WHERE q.id = $1 FOR UPDATE`,
      [q.id],
    );
    const existing = rows[0];
    // The insert conflicted, so the row exists; questions are never deleted but by hand.
    if (!existing) throw new Error(`question ${q.id} was deleted while it was being stored`);
    const back = fetched && existing.gone_since !== null;
    const markFetchedNow = async () => {
      if (fetched) await tx.query('UPDATE questions SET last_fetched_at = $2, gone_since = NULL WHERE id = $1', [q.id, now]);
      if (back) await writeQuestionBack(tx, q.id, existing.gone_since!, hist);
    };
    if (existing.content_sha256 === sharedHash && langs.every((l) => existing.text_hashes?.[l] === textHashes[l])) {
      await markFetchedNow();
      return 'unchanged';
    }

    const before = (await getQuestions(tx, [q.id]))[0]!;
    const openMissing = missingFields(before, q).length > 0 ? await openMissingFields(tx, q.id) : new Set<string>();
    const plan = planHistory(before, q, { cause, openMissing });
    const stored = contentHashes(plan.record);
    const changedLangs = langs.filter((l) => existing.text_hashes?.[l] !== stored.texts[l]);
    if (existing.content_sha256 !== stored.shared || changedLangs.length > 0) {
      const chronology = existing.content_sha256 !== stored.shared;
      await tx.query(...writeStatement('upsert', plan.record, ctx, { now, sharedHash: stored.shared, chronology, texts: changedLangs.map((l) => [l, stored.texts[l]!]), fetched }));
      if (back) await writeQuestionBack(tx, q.id, existing.gone_since!, hist);
    } else await markFetchedNow();
    if (plan.changes.length > 0 && !existing.has_origin) {
      // Stored before change history existed: what was stored is its first version.
      await writeOrigin(tx, before, { observedAt: before.firstSeenAt, parserVersion: existing.parser_version ?? 'unknown' });
    }
    await writeHistory(tx, q.id, plan, hist);
    // A title that changed moves the question to another addressee (new questions get their key
    // lazily, with the first monitoring query).
    if (langs.some((l) => (plan.record.texts[l]?.addressee ?? null) !== (before.texts[l]?.addressee ?? null))) await updateAddresseeKeys(tx, [q.id]);
    return plan.changes.some((c) => c.kind === 'changed') ? 'changed' : 'unchanged';
  });
}

/**
 * The upsert without change history (CHANGE_HISTORY=off): a question not stored yet costs one
 * statement; otherwise the stored hashes are read under a row lock and only what changed is
 * written.
 */
async function upsertLatest(db: Db, q: QuestionInput, ctx: UpsertContext): Promise<UpsertOutcome> {
  const now = ctx.now ?? new Date();
  const { shared: sharedHash, texts: textHashes } = contentHashes(q);
  const langs = Object.keys(textHashes) as Lang[];
  const allTexts = langs.map((l): [Lang, string] => [l, textHashes[l]!]);

  const { rows: [created] } = await db.query<{ inserted: number }>(...writeStatement('insert-new', q, ctx, { now, sharedHash, chronology: true, texts: allTexts, fetched: true }));
  if (created?.inserted === 1) return 'new';

  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ content_sha256: string | null; text_hashes: Record<string, string> | null }>(
      `SELECT q.content_sha256,
              (SELECT jsonb_object_agg(t.lang, t.content_sha256) FROM question_texts t WHERE t.question_id = q.id) AS text_hashes
         FROM questions q WHERE q.id = $1 FOR UPDATE`,
      [q.id],
    );
    const existing = rows[0];
    const sameShared = existing?.content_sha256 === sharedHash;
    const changedLangs = langs.filter((l) => existing?.text_hashes?.[l] !== textHashes[l]);
    if (existing && sameShared && changedLangs.length === 0) {
      await tx.query('UPDATE questions SET last_fetched_at = $2, gone_since = NULL WHERE id = $1', [q.id, now]);
      return 'unchanged';
    }
    await tx.query(...writeStatement('upsert', q, ctx, { now, sharedHash, chronology: !sameShared, texts: changedLangs.map((l) => [l, textHashes[l]!]), fetched: true }));
    return existing ? 'changed' : 'new';
  });
}

/**
 * What a question writes, as ONE statement of data-modifying CTEs (foreign keys are checked
 * at the end of the statement, after the row).
 * - `insert-new`: the row if its id is free (ON CONFLICT DO NOTHING on any key: under a race the
 *   (legislature, number) index can be the one that meets the other insert), and its children only
 *   if it was; returns `inserted` 1 or 0.
 * - `upsert`: the row, the chronology when `chronology`, and the languages in `texts`. The
 *   CTEs all see one snapshot, so the chronology is upserted by (question_id, seq) and
 *   trimmed past its new length rather than deleted and re-inserted (a DELETE and an INSERT
 *   of the same key collide inside one statement).
 */
function writeStatement(
  mode: 'insert-new' | 'upsert',
  q: QuestionInput,
  ctx: UpsertContext,
  w: {
    now: Date;
    sharedHash: string;
    chronology: boolean;
    texts: [Lang, string][];
    /** insert-new: the question's first version, kept in question_origins when the row is inserted. */
    origin?: { record: unknown; fetchIds: Partial<Record<Lang, number>> };
    /** insert-new: events stored (with their outbox rows) when the row is inserted. */
    newEvents?: { events: readonly NewEvent[]; endpoints: readonly WebhookEndpoint[] } | undefined;
    /** false (a reparse): the Senate was not asked, so last_fetched_at and gone_since stay. */
    fetched: boolean;
  },
): [string, unknown[]] {
  const params: unknown[] = [];
  const $ = (value: unknown): string => `$${params.push(value)}`;
  const cast = (c: Column, value: unknown): string => `${$(value)}::${c.type}`;
  // The question's columns first, so that its id is $1 for the children.
  const questionValues = columnValues(QUESTION_FIELDS, q).map((v, i) => cast(QUESTION_COLUMNS[i]!, v));
  if (questionValues[0] !== '$1::text' || QUESTION_COLUMNS[0]!.name !== 'id') throw new Error('the id must be the first column of questions');
  const hash = $(w.sharedHash);
  const parserVersion = `${$(ctx.parserVersion)}::text`;
  const now = `${$(w.now)}::timestamptz`;
  const fresh = mode === 'insert-new';
  // New: children only when the row was inserted. Upsert: children replace what is stored.
  const guard = fresh ? 'WHERE EXISTS (SELECT 1 FROM q)' : '';
  const onConflict = (set: string, key: string) => (fresh ? '' : `ON CONFLICT (${key}) DO UPDATE SET ${set}`);
  const excluded = (cols: readonly Column[]) => cols.map((c) => `${c.name} = EXCLUDED.${c.name}`).join(', ');
  const insertQuestion = `INSERT INTO questions (${QUESTION_COLUMNS.map((c) => c.name).join(', ')}, content_sha256, parser_version,
                              first_seen_at, last_fetched_at, last_changed_at)
       VALUES (${questionValues.join(', ')}, ${hash}, ${parserVersion}, ${now}, ${now}, ${now})`;
  const ctes: string[] = fresh ? [`q AS (${insertQuestion} ON CONFLICT DO NOTHING RETURNING id)`] : [];
  if (fresh && w.origin) {
    ctes.push(
      `origin AS (
         INSERT INTO question_origins (question_id, record, observed_at, run_id, fetch_ids, parser_version)
         SELECT $1, ${$(JSON.stringify(w.origin.record))}::jsonb, ${now}, ${$(ctx.runId ?? null)}::bigint, ${$(JSON.stringify(w.origin.fetchIds))}::jsonb, ${parserVersion}
          WHERE EXISTS (SELECT 1 FROM q))`,
    );
  }
  if (fresh && w.newEvents) ctes.push(...eventWriteCtes(w.newEvents.events, w.newEvents.endpoints, $, 'EXISTS (SELECT 1 FROM q)'));
  if (w.chronology) {
    if (!fresh) {
      ctes.push(
        `events_trim AS (DELETE FROM question_events WHERE question_id = $1 AND seq >= ${$(q.events.length)}::int)`,
        `relations_trim AS (DELETE FROM question_relations WHERE question_id = $1 AND seq >= ${$(q.relations.length)}::int)`,
      );
    }
    ctes.push(
      `events AS (
         INSERT INTO question_events (question_id, seq, date, type, label)
         SELECT $1, s.seq, s.date, s.type, s.label
           FROM unnest(${$(q.events.map((_, i) => i))}::int[], ${$(q.events.map((e) => e.date))}::date[],
                       ${$(q.events.map((e) => e.type))}::text[], ${$(q.events.map((e) => e.label))}::text[]) AS s(seq, date, type, label)
         ${guard} ${onConflict('date = EXCLUDED.date, type = EXCLUDED.type, label = EXCLUDED.label', 'question_id, seq')})`,
      `relations AS (
         INSERT INTO question_relations (question_id, seq, kind, target_id, target_type, label)
         SELECT $1, s.seq, s.kind, s.target_id, s.target_type, s.label
           FROM unnest(${$(q.relations.map((_, i) => i))}::int[], ${$(q.relations.map((r) => r.kind))}::text[],
                       ${$(q.relations.map((r) => r.target))}::text[], ${$(q.relations.map((r) => r.targetType))}::text[],
                       ${$(q.relations.map((r) => r.label))}::text[]) AS s(seq, kind, target_id, target_type, label)
         ${guard} ${onConflict('kind = EXCLUDED.kind, target_id = EXCLUDED.target_id, target_type = EXCLUDED.target_type, label = EXCLUDED.label', 'question_id, seq')})`,
    );
  }
  if (w.texts.length > 0) {
    const rows = w.texts.map(([lang, textHash]) => {
      const values = columnValues(TEXT_COLUMN_FIELDS, q.texts[lang]!).map((v, i) => cast(TEXT_COLUMNS[i]!, v));
      return `($1::text, ${$(lang)}::text, ${values.join(', ')}, ${$(textHash)}::text, ${parserVersion}, ${$(ctx.fetchIds?.[lang] ?? null)}::bigint, ${now})`;
    });
    ctes.push(
      `texts AS (
         INSERT INTO question_texts (question_id, lang, ${TEXT_COLUMNS.map((c) => c.name).join(', ')}, content_sha256, parser_version,
                                     fetch_id, updated_at)
         SELECT * FROM (VALUES ${rows.join(',\n                ')}) AS v ${guard}
         ${onConflict(`${excluded(TEXT_COLUMNS)}, content_sha256 = EXCLUDED.content_sha256,
           parser_version = EXCLUDED.parser_version, fetch_id = EXCLUDED.fetch_id, updated_at = EXCLUDED.updated_at`, 'question_id, lang')})`,
    );
  }
  const main = fresh
    ? 'SELECT count(*)::int AS inserted FROM q'
    : `${insertQuestion}
       ON CONFLICT (id) DO UPDATE SET
         ${excluded(SHARED_COLUMNS)}, content_sha256 = EXCLUDED.content_sha256,
         parser_version = EXCLUDED.parser_version, last_changed_at = EXCLUDED.last_changed_at${
           w.fetched ? ', last_fetched_at = EXCLUDED.last_fetched_at, gone_since = NULL' : ''
         }`;
  return [`${ctes.length > 0 ? `WITH ${ctes.join(',\n     ')}\n` : ''}${main}`, params];
}

/** What `questions` holds besides the record's fields. */
interface QuestionRowExtra {
  id: string;
  deadline_estimated: boolean;
  first_seen_at: Date;
  last_fetched_at: Date | null;
  last_changed_at: Date | null;
  gone_since: Date | null;
}

/** Reads questions back in the input's shape (ordered by legislature, number). */
export async function getQuestions(db: Queryable, ids: readonly string[]): Promise<StoredQuestion[]> {
  if (ids.length === 0) return [];
  const [qs, texts, events, relations] = await Promise.all([
    db.query<QuestionRowExtra & Record<string, unknown>>('SELECT * FROM questions WHERE id = ANY($1::text[]) ORDER BY legislature, number', [ids]),
    db.query<{ question_id: string; lang: Lang } & Record<string, unknown>>('SELECT * FROM question_texts WHERE question_id = ANY($1::text[])', [ids]),
    db.query<{ question_id: string; date: string; type: ChronologyEvent['type']; label: string }>(
      'SELECT question_id, date, type, label FROM question_events WHERE question_id = ANY($1::text[]) ORDER BY question_id, seq',
      [ids],
    ),
    db.query<{ question_id: string; kind: Relation['kind']; target_id: string | null; target_type: Relation['targetType']; label: string }>(
      'SELECT question_id, kind, target_id, target_type, label FROM question_relations WHERE question_id = ANY($1::text[]) ORDER BY question_id, seq',
      [ids],
    ),
  ]);
  return qs.rows.map((r) => {
    const myTexts: Partial<Record<Lang, QuestionTextsInput>> = {};
    for (const t of texts.rows.filter((t) => t.question_id === r.id)) {
      myTexts[t.lang] = fromRow(TEXT_COLUMN_FIELDS, t) as unknown as QuestionTextsInput;
    }
    const record = {
      ...fromRow(QUESTION_FIELDS, r),
      events: events.rows.filter((e) => e.question_id === r.id).map((e) => ({ date: e.date, type: e.type, label: e.label })),
      relations: relations.rows
        .filter((x) => x.question_id === r.id)
        .map((x) => ({ kind: x.kind, target: x.target_id, targetType: x.target_type, label: x.label })),
      texts: myTexts,
    } as unknown as QuestionInput;
    return {
      ...record,
      firstSeenAt: r.first_seen_at,
      lastFetchedAt: r.last_fetched_at,
      lastChangedAt: r.last_changed_at,
      goneSince: r.gone_since,
      deadlineEstimated: r.deadline_estimated,
    };
  });
}

export async function getQuestion(db: Queryable, id: string): Promise<StoredQuestion | null> {
  return (await getQuestions(db, [id]))[0] ?? null;
}

/** getQuestion in one cheap query when the question is not stored (every question of a first crawl). */
export async function getQuestionIfStored(db: Queryable, id: string): Promise<StoredQuestion | null> {
  const { rowCount } = await db.query('SELECT 1 FROM questions WHERE id = $1', [id]);
  return rowCount > 0 ? getQuestion(db, id) : null;
}

/**
 * Records that a question was fetched and found unchanged (both pages answered 304) without
 * rewriting it. Returns false when the question is not stored.
 */
export async function markFetched(
  db: Db,
  id: string,
  ctx: { runId?: number | null; endpoints?: readonly WebhookEndpoint[] | undefined; now?: Date } = {},
): Promise<boolean> {
  return (await markServedUnchanged(db, id, ctx)).stored;
}

/**
 * A question served unchanged (304): not missing, and back (with its event) if it was gone.
 * `createdInRun`: run `ctx.runId` stored its first version (a retried job whose first attempt
 * stored it before the database went away still counts it new). The usual case, a question not
 * gone, is one statement; a gone one comes back in a transaction with its question_back event.
 */
export async function markServedUnchanged(
  db: Db,
  id: string,
  ctx: { runId?: number | null; endpoints?: readonly WebhookEndpoint[] | undefined; now?: Date } = {},
): Promise<{ stored: boolean; createdInRun: boolean }> {
  const touch = `WITH seen AS (DELETE FROM question_misses WHERE question_id = $1)
     UPDATE questions SET last_fetched_at = now(), gone_since = NULL WHERE id = $1`;
  const createdHere = 'EXISTS (SELECT 1 FROM question_origins o WHERE o.question_id = $1 AND o.run_id = $2::bigint) AS created';
  const runId = ctx.runId ?? null;
  const { rows: [served] } = await db.query<{ created: boolean }>(`${touch} AND gone_since IS NULL RETURNING ${createdHere}`, [id, runId]);
  if (served) return { stored: true, createdInRun: served.created };
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ gone_since: Date | null; created: boolean }>(`SELECT gone_since, ${createdHere} FROM questions WHERE id = $1 FOR UPDATE`, [id, runId]);
    if (rows.length === 0) return { stored: false, createdInRun: false };
    await tx.query(touch, [id]);
    const goneSince = rows[0]!.gone_since;
    if (goneSince) await writeQuestionBack(tx, id, goneSince, { now: ctx.now ?? new Date(), runId, endpoints: ctx.endpoints });
    return { stored: true, createdInRun: rows[0]!.created };
  });
}

/** The fetch each stored language of a question was parsed from (null: not recorded). */
export async function storedFetchIds(db: Queryable, id: string): Promise<Partial<Record<Lang, number | null>>> {
  const { rows } = await db.query<{ lang: Lang; fetch_id: string | number | null }>('SELECT lang, fetch_id FROM question_texts WHERE question_id = $1', [id]);
  return Object.fromEntries(rows.map((r) => [r.lang, r.fetch_id === null ? null : Number(r.fetch_id)]));
}

/** Whether run `runId` stored the question's first version (question_origins; false without change history). */
export async function createdInRun(db: Queryable, id: string, runId: number | null | undefined): Promise<boolean> {
  if (runId === null || runId === undefined) return false;
  const { rows } = await db.query('SELECT 1 FROM question_origins WHERE question_id = $1 AND run_id = $2', [id, runId]);
  return rows.length > 0;
}

/** Of `ids`, the ones not stored yet (in the order given). */
export async function idsNotStored(db: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string }>('SELECT id FROM questions WHERE id = ANY($1::text[])', [ids]);
  const known = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

export async function highestKnownNumber(db: Queryable, legislature: number): Promise<number> {
  const { rows } = await db.query<{ max: number | null }>('SELECT max(number) AS max FROM questions WHERE legislature = $1', [legislature]);
  return rows[0]?.max ?? 0;
}

export async function knownIds(db: Queryable, legislature: number): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM questions WHERE legislature = $1', [legislature]);
  return new Set(rows.map((r) => r.id));
}

/**
 * The questions that can still change: no answer yet and not closed or lapsed, or answered
 * within the last `recentAnswerDays` days (answers arrive in one language first); and the
 * questions marked gone whose retry on the miss backoff is due (question_misses), whatever
 * their status, so that a question that comes back is seen.
 */
export async function refetchCandidates(db: Queryable, legislature: number, recentAnswerDays: number, now = new Date()): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT q.id FROM questions q
      WHERE q.legislature = $1
        AND CASE WHEN q.gone_since IS NULL THEN
              q.status IN ('pending', 'requalified')
              OR (q.status = 'answered' AND (q.answer_date IS NULL OR q.answer_date >= ($2::timestamptz - make_interval(days => $3))::date))
              OR (SELECT count(*) FROM question_texts t WHERE t.question_id = q.id) < 2
            ELSE NOT EXISTS (SELECT 1 FROM question_misses m WHERE m.question_id = q.id AND m.next_retry_at > $2::timestamptz)
            END
      ORDER BY q.number`,
    [legislature, now, recentAnswerDays],
  );
  return rows.map((r) => r.id);
}

/**
 * Relation targets that are written questions we have not stored yet, except the ones the
 * Senate did not serve lately (their retry on the miss backoff is not due).
 */
export async function unknownRelationTargets(db: Queryable, legislature?: number, now = new Date()): Promise<string[]> {
  const { rows } = await db.query<{ target_id: string }>(
    `SELECT DISTINCT r.target_id FROM question_relations r
      WHERE r.target_type = 'written_question' AND r.target_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM questions q WHERE q.id = r.target_id)
        AND NOT EXISTS (SELECT 1 FROM question_misses m WHERE m.question_id = r.target_id AND m.next_retry_at > $2::timestamptz)
        AND ($1::int IS NULL OR split_part(r.target_id, '-', 1)::int = $1::int)
      ORDER BY 1`,
    [legislature ?? null, now],
  );
  return rows.map((r) => r.target_id);
}
