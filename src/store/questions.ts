/**
 * The questions repository: upsert of one bilingual record, reads for the crawler's
 * incremental rule. A language missing from the input (its fetch failed) is left as stored:
 * a failed fetch or a bad parse never blanks what we have.
 */
import { createHash } from 'node:crypto';
import type { BilingualQuestion, QuestionTexts } from '../senate/bilingual.ts';
import type { ChronologyEvent, Lang, QuestionStatus, Relation } from '../senate/question-record.ts';
import type { Db, Queryable } from './db.ts';

/** What the store takes: the parser's bilingual record (per-language fields in `texts`). */
export type QuestionInput = BilingualQuestion;
export type QuestionTextsInput = QuestionTexts;

export interface UpsertContext {
  parserVersion: string;
  runId?: number | null;
  /** fetch id of the response each language was parsed from */
  fetchIds?: Partial<Record<Lang, number>>;
  now?: Date;
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

function sharedPart(q: QuestionInput) {
  return {
    author: q.author,
    sentDate: q.sentDate,
    status: q.status,
    answerDeadline: q.answerDeadline,
    originalLanguage: q.originalLanguage,
    events: q.events,
    relations: q.relations.map((r) => ({ kind: r.kind, target: r.target, targetType: r.targetType, label: r.label })),
    answerDate: q.answerDate,
    conflicts: q.conflicts,
  };
}

function textPart(t: QuestionTextsInput) {
  return {
    title: t.title,
    addressee: t.addressee,
    subject: t.subject,
    keywords: t.keywords,
    questionText: t.questionText,
    answer: t.answer,
    repairs: t.repairs,
    unknownLabels: t.unknownLabels,
  };
}

/**
 * Writes one question; returns whether it was new, changed or identical to what was stored.
 * A question not stored yet (every question of a first crawl) costs one statement: the row
 * and its children are inserted together when the row's insert did not conflict. Otherwise
 * the stored hashes are read under a row lock and only what changed is written.
 */
export async function upsertQuestion(db: Db, q: QuestionInput, ctx: UpsertContext): Promise<UpsertOutcome> {
  const now = ctx.now ?? new Date();
  const sharedHash = sha(sharedPart(q));
  const langs = (Object.keys(q.texts) as Lang[]).filter((l) => q.texts[l]);
  const textHashes = Object.fromEntries(langs.map((l) => [l, sha(textPart(q.texts[l]!))])) as Partial<Record<Lang, string>>;
  const allTexts = langs.map((l): [Lang, string] => [l, textHashes[l]!]);

  const { rows: [created] } = await db.query<{ inserted: number }>(...writeStatement('insert-new', q, ctx, { now, sharedHash, chronology: true, texts: allTexts }));
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
    await tx.query(...writeStatement('upsert', q, ctx, { now, sharedHash, chronology: !sameShared, texts: changedLangs.map((l) => [l, textHashes[l]!]) }));
    return existing ? 'changed' : 'new';
  });
}

/**
 * What a question writes, as ONE statement of data-modifying CTEs (foreign keys are checked
 * at the end of the statement, after the row).
 * - `insert-new`: the row if its id is free (ON CONFLICT DO NOTHING), and its children only
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
  w: { now: Date; sharedHash: string; chronology: boolean; texts: [Lang, string][] },
): [string, unknown[]] {
  const params: unknown[] = [
    q.id, q.legislature, q.number, q.author.name, q.author.party, q.sentDate, q.status, q.answerDeadline,
    q.originalLanguage, q.answerDate, JSON.stringify(q.conflicts), w.sharedHash, ctx.parserVersion, w.now,
  ];
  const $ = (value: unknown): string => `$${params.push(value)}`;
  const fresh = mode === 'insert-new';
  // New: children only when the row was inserted. Upsert: children replace what is stored.
  const guard = fresh ? 'WHERE EXISTS (SELECT 1 FROM q)' : '';
  const onConflict = (set: string, key: string) => (fresh ? '' : `ON CONFLICT (${key}) DO UPDATE SET ${set}`);
  const insertQuestion = `INSERT INTO questions (id, legislature, number, author_name, author_party, sent_date, status, answer_deadline,
                              original_language, answer_date, conflicts, content_sha256, parser_version,
                              first_seen_at, last_fetched_at, last_changed_at)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8::date, $9, $10::date, $11::jsonb, $12, $13, $14, $14, $14)`;
  const ctes: string[] = fresh ? [`q AS (${insertQuestion} ON CONFLICT (id) DO NOTHING RETURNING id)`] : [];
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
    const rows = w.texts.map(([lang, hash]) => {
      const t = q.texts[lang]!;
      return `($1::text, ${$(lang)}::text, ${$(t.title)}::text, ${$(t.addressee)}::text, ${$(t.subject)}::text, ${$(t.keywords)}::text[],
               ${$(t.questionText)}::text, ${$(t.answer?.date ?? null)}::date, ${$(t.answer?.text ?? null)}::text,
               ${$(t.answer?.html ?? null)}::text, ${$(t.repairs)}::int, ${$(t.unknownLabels)}::text[], ${$(hash)}::text,
               $13::text, ${$(ctx.fetchIds?.[lang] ?? null)}::bigint, $14::timestamptz)`;
    });
    ctes.push(
      `texts AS (
         INSERT INTO question_texts (question_id, lang, title, addressee, subject, keywords, question_text, answer_date,
                                     answer_text, answer_html, repairs, unknown_labels, content_sha256, parser_version,
                                     fetch_id, updated_at)
         SELECT * FROM (VALUES ${rows.join(',\n                ')}) AS v ${guard}
         ${onConflict(`title = EXCLUDED.title, addressee = EXCLUDED.addressee, subject = EXCLUDED.subject,
           keywords = EXCLUDED.keywords, question_text = EXCLUDED.question_text, answer_date = EXCLUDED.answer_date,
           answer_text = EXCLUDED.answer_text, answer_html = EXCLUDED.answer_html, repairs = EXCLUDED.repairs,
           unknown_labels = EXCLUDED.unknown_labels, content_sha256 = EXCLUDED.content_sha256,
           parser_version = EXCLUDED.parser_version, fetch_id = EXCLUDED.fetch_id, updated_at = EXCLUDED.updated_at`, 'question_id, lang')})`,
    );
  }
  const main = fresh
    ? 'SELECT count(*)::int AS inserted FROM q'
    : `${insertQuestion}
       ON CONFLICT (id) DO UPDATE SET
         author_name = EXCLUDED.author_name, author_party = EXCLUDED.author_party, sent_date = EXCLUDED.sent_date,
         status = EXCLUDED.status, answer_deadline = EXCLUDED.answer_deadline,
         original_language = EXCLUDED.original_language, answer_date = EXCLUDED.answer_date,
         conflicts = EXCLUDED.conflicts, content_sha256 = EXCLUDED.content_sha256,
         parser_version = EXCLUDED.parser_version, last_fetched_at = EXCLUDED.last_fetched_at,
         last_changed_at = EXCLUDED.last_changed_at, gone_since = NULL`;
  return [`${ctes.length > 0 ? `WITH ${ctes.join(',\n     ')}\n` : ''}${main}`, params];
}

interface QuestionRow {
  id: string;
  legislature: number;
  number: number;
  author_name: string | null;
  author_party: string | null;
  sent_date: string | null;
  status: QuestionStatus;
  answer_deadline: string | null;
  deadline_estimated: boolean;
  original_language: Lang | null;
  answer_date: string | null;
  conflicts: string[];
  first_seen_at: Date;
  last_fetched_at: Date | null;
  last_changed_at: Date | null;
  gone_since: Date | null;
}

interface TextRow {
  question_id: string;
  lang: Lang;
  title: string;
  addressee: string | null;
  subject: string | null;
  keywords: string[];
  question_text: string;
  answer_date: string | null;
  answer_text: string | null;
  answer_html: string | null;
  repairs: number;
  unknown_labels: string[];
}

/** Reads questions back in the input's shape (ordered by legislature, number). */
export async function getQuestions(db: Queryable, ids: readonly string[]): Promise<StoredQuestion[]> {
  if (ids.length === 0) return [];
  const [qs, texts, events, relations] = await Promise.all([
    db.query<QuestionRow>('SELECT * FROM questions WHERE id = ANY($1::text[]) ORDER BY legislature, number', [ids]),
    db.query<TextRow>('SELECT * FROM question_texts WHERE question_id = ANY($1::text[])', [ids]),
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
      myTexts[t.lang] = {
        title: t.title,
        addressee: t.addressee,
        subject: t.subject,
        keywords: t.keywords,
        questionText: t.question_text,
        answer: t.answer_text === null ? null : { date: t.answer_date, text: t.answer_text, html: t.answer_html ?? '' },
        repairs: t.repairs,
        unknownLabels: t.unknown_labels,
      };
    }
    return {
      id: r.id,
      legislature: r.legislature,
      number: r.number,
      author: { name: r.author_name ?? '', party: r.author_party },
      sentDate: r.sent_date,
      status: r.status,
      answerDeadline: r.answer_deadline,
      originalLanguage: r.original_language,
      events: events.rows.filter((e) => e.question_id === r.id).map((e) => ({ date: e.date, type: e.type, label: e.label })),
      relations: relations.rows
        .filter((x) => x.question_id === r.id)
        .map((x) => ({ kind: x.kind, target: x.target_id, targetType: x.target_type, label: x.label })),
      answerDate: r.answer_date,
      texts: myTexts,
      conflicts: r.conflicts,
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

/**
 * Records that a question was fetched and found unchanged (both pages answered 304) without
 * rewriting it. Returns false when the question is not stored.
 */
export async function markFetched(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE questions SET last_fetched_at = now() WHERE id = $1', [id]);
  return rowCount > 0;
}

/** Of `ids`, the ones not stored yet (in the order given). */
export async function idsNotStored(db: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string }>('SELECT id FROM questions WHERE id = ANY($1::text[])', [ids]);
  const known = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

/** Marks a question the Senate no longer serves; nothing stored is deleted. */
export async function markGone(db: Queryable, id: string, now = new Date()): Promise<void> {
  await db.query('UPDATE questions SET gone_since = COALESCE(gone_since, $2) WHERE id = $1', [id, now]);
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
 * within the last `recentAnswerDays` days (answers arrive in one language first).
 */
export async function refetchCandidates(db: Queryable, legislature: number, recentAnswerDays: number, now = new Date()): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT q.id FROM questions q
      WHERE q.legislature = $1 AND q.gone_since IS NULL
        AND (q.status IN ('pending', 'requalified')
             OR (q.status = 'answered' AND (q.answer_date IS NULL OR q.answer_date >= ($2::timestamptz - make_interval(days => $3))::date))
             OR (SELECT count(*) FROM question_texts t WHERE t.question_id = q.id) < 2)
      ORDER BY q.number`,
    [legislature, now, recentAnswerDays],
  );
  return rows.map((r) => r.id);
}

/** Relation targets that are written questions we have not stored yet. */
export async function unknownRelationTargets(db: Queryable, legislature?: number): Promise<string[]> {
  const { rows } = await db.query<{ target_id: string }>(
    `SELECT DISTINCT r.target_id FROM question_relations r
      WHERE r.target_type = 'written_question' AND r.target_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM questions q WHERE q.id = r.target_id)
        AND ($1::int IS NULL OR split_part(r.target_id, '-', 1)::int = $1::int)
      ORDER BY 1`,
    [legislature ?? null],
  );
  return rows.map((r) => r.target_id);
}
