/**
 * The reads the HTML dashboard (src/http/dashboard) makes: short lists for the home page, the
 * lateness per addressee, a question's history, and a plain search. Each list is one query.
 * Dates are compared with the database's current_date, so "overdue" means the same thing here
 * as in every other read of the store.
 */
import type { Queryable } from './db.ts';
import type { CrawlRun } from './runs.ts';
import { getRun } from './runs.ts';

/** One line of a list of questions: what a list shows, in both languages where it differs. */
export interface QuestionLine {
  id: string;
  status: string;
  sentDate: string | null;
  answerDeadline: string | null;
  answerDate: string | null;
  authorName: string | null;
  authorParty: string | null;
  subjectFr: string | null;
  subjectNl: string | null;
  addresseeFr: string | null;
  addresseeNl: string | null;
  /** Days past the deadline (overdue lists), else null. */
  daysLate: number | null;
}

const LINE_COLUMNS = `q.id, q.status, q.sent_date, q.answer_deadline, q.answer_date, q.author_name, q.author_party,
       fr.subject AS subject_fr, nl.subject AS subject_nl, fr.addressee AS addressee_fr, nl.addressee AS addressee_nl`;
const LINE_JOINS = `LEFT JOIN question_texts fr ON fr.question_id = q.id AND fr.lang = 'fr'
       LEFT JOIN question_texts nl ON nl.question_id = q.id AND nl.lang = 'nl'`;

interface LineRow {
  id: string;
  status: string;
  sent_date: string | null;
  answer_deadline: string | null;
  answer_date: string | null;
  author_name: string | null;
  author_party: string | null;
  subject_fr: string | null;
  subject_nl: string | null;
  addressee_fr: string | null;
  addressee_nl: string | null;
  days_late?: number | null;
}

function line(r: LineRow): QuestionLine {
  return {
    id: r.id,
    status: r.status,
    sentDate: r.sent_date,
    answerDeadline: r.answer_deadline,
    answerDate: r.answer_date,
    authorName: r.author_name,
    authorParty: r.author_party,
    subjectFr: r.subject_fr,
    subjectNl: r.subject_nl,
    addresseeFr: r.addressee_fr,
    addresseeNl: r.addressee_nl,
    daysLate: r.days_late ?? null,
  };
}

/** Pending questions still within their deadline (or without one), the newest first. */
export async function pendingLines(db: Queryable, limit: number): Promise<{ total: number; lines: QuestionLine[] }> {
  const where = `q.status = 'pending' AND q.gone_since IS NULL AND (q.answer_deadline IS NULL OR q.answer_deadline >= current_date)`;
  const [{ rows }, count] = await Promise.all([
    db.query<LineRow>(`SELECT ${LINE_COLUMNS} FROM questions q ${LINE_JOINS} WHERE ${where} ORDER BY q.sent_date DESC NULLS LAST, q.id LIMIT $1`, [limit]),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM questions q WHERE ${where}`),
  ]);
  return { total: count.rows[0]?.n ?? 0, lines: rows.map(line) };
}

/** Pending questions past their deadline, the longest overdue first. */
export async function overdueLines(db: Queryable, limit: number): Promise<{ total: number; lines: QuestionLine[] }> {
  const where = `q.status = 'pending' AND q.gone_since IS NULL AND q.answer_deadline < current_date`;
  const [{ rows }, count] = await Promise.all([
    db.query<LineRow>(
      `SELECT ${LINE_COLUMNS}, (current_date - q.answer_deadline)::int AS days_late
         FROM questions q ${LINE_JOINS} WHERE ${where} ORDER BY q.answer_deadline, q.id LIMIT $1`,
      [limit],
    ),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM questions q WHERE ${where}`),
  ]);
  return { total: count.rows[0]?.n ?? 0, lines: rows.map(line) };
}

/**
 * Answers that arrived in the last `days` days: dated by the Senate within them, or reported
 * by an `answer_arrived` event within them (an answer published late, or dated earlier).
 * Not "stored lately": a first crawl stores every old answer at once.
 */
export async function recentAnswerLines(db: Queryable, days: number, limit: number): Promise<QuestionLine[]> {
  const { rows } = await db.query<LineRow>(
    `SELECT ${LINE_COLUMNS} FROM questions q ${LINE_JOINS}
      WHERE q.status = 'answered'
        AND (q.answer_date >= current_date - $1::int
             OR EXISTS (SELECT 1 FROM events e WHERE e.question_id = q.id AND e.type = 'answer_arrived'
                          AND e.occurred_at >= now() - make_interval(days => $1::int)))
      ORDER BY q.answer_date DESC NULLS LAST, q.id LIMIT $2`,
    [days, limit],
  );
  return rows.map(line);
}

export type RunWithHealth = CrawlRun;

/** The newest run that is not a reparse, with its health verdict. */
export async function lastRun(db: Queryable): Promise<RunWithHealth | null> {
  const { rows: [r] } = await db.query<{ id: number }>(`SELECT id FROM crawl_runs WHERE kind <> 'reparse' ORDER BY id DESC LIMIT 1`);
  return r ? getRun(db, r.id) : null;
}

/** Lateness of one addressee (the FR spelling of the minister's title names it). */
export interface AddresseeLateness {
  addressee: string;
  questions: number;
  answered: number;
  /** answered after the deadline */
  answeredLate: number;
  /** pending and past the deadline now */
  overdue: number;
  /** mean days from sending to the answer, over answered questions */
  meanDaysToAnswer: number | null;
}

/**
 * Per addressee: questions, answers, late answers, open overdue ones. The addressee is the
 * normalised key when the store has one (addressee_key), else the FR (or NL) text. The most
 * overdue first.
 */
export async function latenessByAddressee(db: Queryable, limit = 50): Promise<AddresseeLateness[]> {
  const { rows } = await db.query<{
    addressee: string;
    questions: number;
    answered: number;
    answered_late: number;
    overdue: number;
    mean_days: number | null;
  }>(
    `SELECT coalesce(q.addressee_key, fr.addressee, nl.addressee, '(unknown)') AS addressee,
            count(*)::int AS questions,
            count(*) FILTER (WHERE q.status = 'answered')::int AS answered,
            count(*) FILTER (WHERE q.status = 'answered' AND q.answer_date > q.answer_deadline)::int AS answered_late,
            count(*) FILTER (WHERE q.status = 'pending' AND q.answer_deadline < current_date)::int AS overdue,
            round(avg(q.answer_date - q.sent_date) FILTER (WHERE q.status = 'answered' AND q.answer_date IS NOT NULL))::int AS mean_days
       FROM questions q ${LINE_JOINS}
      WHERE q.gone_since IS NULL
      GROUP BY 1
      ORDER BY overdue DESC, answered_late DESC, questions DESC, 1
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    addressee: r.addressee,
    questions: r.questions,
    answered: r.answered,
    answeredLate: r.answered_late,
    overdue: r.overdue,
    meanDaysToAnswer: r.mean_days,
  }));
}

/** One row of a question's history. */
export interface HistoryEntry {
  id: number;
  lang: 'fr' | 'nl' | null;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  observedAt: Date;
  cause: string;
  kind: string;
}

export async function questionHistory(db: Queryable, id: string): Promise<HistoryEntry[]> {
  const { rows } = await db.query<{
    id: number;
    lang: 'fr' | 'nl' | null;
    field: string;
    old_value: unknown;
    new_value: unknown;
    observed_at: Date;
    cause: string;
    kind: string;
  }>('SELECT id, lang, field, old_value, new_value, observed_at, cause, kind FROM changes WHERE question_id = $1 ORDER BY id', [id]);
  return rows.map((r) => ({
    id: r.id,
    lang: r.lang,
    field: r.field,
    oldValue: r.old_value,
    newValue: r.new_value,
    observedAt: r.observed_at,
    cause: r.cause,
    kind: r.kind,
  }));
}

/** Which of `ids` are stored (relation links to a question not crawled yet are shown as such). */
export async function storedIds(db: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>('SELECT id FROM questions WHERE id = ANY($1::text[])', [ids]);
  return new Set(rows.map((r) => r.id));
}

/**
 * A plain search over both languages' subject, question and answer text, and the id; the
 * stand-in until the API's full-text search (src/store/search.ts) is there. `%` and `_` in
 * the query are taken literally.
 */
export async function searchLines(db: Queryable, query: string, limit: number): Promise<QuestionLine[]> {
  const like = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await db.query<LineRow>(
    `SELECT ${LINE_COLUMNS} FROM questions q ${LINE_JOINS}
      WHERE q.id = $1 OR EXISTS (
        SELECT 1 FROM question_texts t WHERE t.question_id = q.id
           AND (t.subject ILIKE $2 OR t.question_text ILIKE $2 OR t.answer_text ILIKE $2 OR t.addressee ILIKE $2))
        OR q.author_name ILIKE $2
      ORDER BY q.sent_date DESC NULLS LAST, q.id LIMIT $3`,
    [query.trim(), like, limit],
  );
  return rows.map(line);
}
