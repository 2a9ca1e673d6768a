/**
 * The monitoring queries (issue 9): what waits, what is late, what arrived, who answers how
 * fast, what changed, the event stream and the answer feed. The CLI's monitoring commands and
 * the HTTP API share them; each returns plain typed rows (dates as ISO `YYYY-MM-DD` strings,
 * times as Date).
 *
 * Days are counted in Brussels' calendar (`today` below), deadlines are the ones the pages
 * print, or when a page prints none the date sent plus `deadlineEstimateDays`, marked
 * `deadlineEstimated`. Questions the Senate no longer serves (`gone_since`) are left out.
 */
import { addresseeKey, addresseeQueryKeys } from '../senate/addressee.ts';
import type { Lang } from '../senate/question-record.ts';
import type { Queryable } from './db.ts';
import { eventFromRow, type EventRow, type EventType, type StoredEvent } from './events.ts';

/** DEADLINE_ESTIMATE_DAYS' default: recent pages print a deadline about a month after sending (docs/anatomy.md). */
export const DEFAULT_DEADLINE_ESTIMATE_DAYS = 30;

/** What the lists are narrowed to. Text filters are case-insensitive substrings. */
export interface QuestionFilter {
  legislature?: number | undefined;
  /**
   * An addressee key (`minister:justice`), or a title or portfolio word in French or Dutch that
   * the dictionary knows (`Justitie`: matched by key); anything else is a piece of the key or
   * of a printed title.
   */
  addressee?: string | undefined;
  /** A piece of the author's name. */
  author?: string | undefined;
}

export interface DeadlineOptions {
  /** Days from sending to the estimated deadline when the page prints none (DEADLINE_ESTIMATE_DAYS). Default 30. */
  deadlineEstimateDays?: number | undefined;
  /** The present, for days waiting and overdue. Default: now. */
  now?: Date | undefined;
}

export interface Bilingual<T> {
  fr: T;
  nl: T;
}

/** A question that waits for its answer. */
export interface PendingQuestion {
  id: string;
  legislature: number;
  number: number;
  author: string | null;
  party: string | null;
  /** ISO date. */
  sentDate: string | null;
  /** The titles as printed. */
  addressee: Bilingual<string | null>;
  /** The normalised addressee (src/senate/addressee.ts), or null when no page names one. */
  addresseeKey: string | null;
  subject: Bilingual<string | null>;
  /** ISO date: printed, or estimated when `deadlineEstimated`. null without a date sent or a deadline. */
  deadline: string | null;
  deadlineEstimated: boolean;
  daysWaiting: number | null;
  /** Days past the deadline; 0 or less is not overdue yet. null without a deadline. */
  daysOverdue: number | null;
  /** Reminders (`Rappel`) in the chronology. */
  reminders: number;
}

/** Today's date in Brussels, ISO: the Senate's calendar. */
export function brusselsDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** `LIKE` pattern matching `text` anywhere. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    return `$${this.values.push(value)}`;
  }
}

/** WHERE conditions on `q` (questions) for a filter. */
function filterConditions(f: QuestionFilter & { party?: string | undefined }, p: Params): string[] {
  const where: string[] = [];
  if (f.legislature !== undefined) where.push(`q.legislature = ${p.add(f.legislature)}::int`);
  if (f.addressee) {
    // A title or portfolio the dictionary knows is matched by key only (the printed titles are
    // wide rows: reading them all costs ~1 s at 100,000 questions); anything else, by the key's
    // text or a piece of a printed title.
    const keys = addresseeQueryKeys(f.addressee);
    where.push(
      keys.length > 0
        ? `q.addressee_key = ANY(${p.add(keys)}::text[])`
        : `(q.addressee_key ILIKE ${p.add(containsPattern(f.addressee))}
            OR q.id IN (SELECT a.question_id FROM question_texts a WHERE a.addressee ILIKE ${p.add(containsPattern(f.addressee))}))`,
    );
  }
  if (f.author) where.push(`q.author_name ILIKE ${p.add(containsPattern(f.author))}`);
  if (f.party) where.push(`lower(q.author_party) = lower(${p.add(f.party)}::text)`);
  return where;
}

/** The effective deadline `d.deadline` and whether it is estimated, for the question `q`. */
function deadlineLateral(p: Params, days: number): string {
  const d = p.add(days);
  return `CROSS JOIN LATERAL (
            SELECT coalesce(q.answer_deadline, q.sent_date + ${d}::int) AS deadline,
                   ((q.answer_deadline IS NULL AND q.sent_date IS NOT NULL) OR q.deadline_estimated) AS estimated) d`;
}

/**
 * The FR and NL rows of `question_texts` of the question `q`, as `fr` and `nl`, with `columns`:
 * one index probe per question picked. (A plain join lets the planner read the whole table,
 * wide with the texts, into a hash: 0.5 s at 100,000 questions; LIMIT 1 keeps the probes.)
 */
function textsLateral(columns: readonly string[]): string {
  const one = (lang: Lang) =>
    `LEFT JOIN LATERAL (SELECT ${columns.map((c) => `t.${c}`).join(', ')} FROM question_texts t WHERE t.question_id = q.id AND t.lang = '${lang}' LIMIT 1) ${lang} ON true`;
  return `${one('fr')}\n       ${one('nl')}`;
}

interface PendingRow {
  id: string;
  legislature: number;
  number: number;
  author_name: string | null;
  author_party: string | null;
  sent_date: string | null;
  addressee_key: string | null;
  addressee_fr: string | null;
  addressee_nl: string | null;
  subject_fr: string | null;
  subject_nl: string | null;
  deadline: string | null;
  estimated: boolean;
  days_waiting: number | null;
  days_overdue: number | null;
  reminders: number;
}

async function waiting(db: Queryable, filter: QuestionFilter, opts: DeadlineOptions & { limit?: number | undefined }, overdueOnly: boolean): Promise<PendingQuestion[]> {
  await updateAddresseeKeys(db);
  const p = new Params();
  const today = `${p.add(brusselsDate(opts.now ?? new Date()))}::date`;
  const lateral = deadlineLateral(p, opts.deadlineEstimateDays ?? DEFAULT_DEADLINE_ESTIMATE_DAYS);
  const where = ["q.status = 'pending'", 'q.gone_since IS NULL', ...filterConditions(filter, p)];
  if (overdueOnly) where.push(`d.deadline < ${today}`);
  const limit = opts.limit ? `LIMIT ${p.add(opts.limit)}::int` : '';
  const order = `${overdueOnly ? 'q.deadline, ' : ''}q.sent_date NULLS LAST, q.legislature, q.number`;
  // The questions are picked first; their titles, subjects and reminders are read for those only.
  const { rows } = await db.query<PendingRow>(
    `WITH picked AS (
       SELECT q.id, q.legislature, q.number, q.author_name, q.author_party, q.sent_date, q.addressee_key, d.deadline, d.estimated
         FROM questions q
         ${lateral}
        WHERE ${where.join(' AND ')}
        ORDER BY ${order.replace('q.deadline', 'd.deadline')}
        ${limit}
     )
     SELECT q.*, fr.addressee AS addressee_fr, nl.addressee AS addressee_nl, fr.subject AS subject_fr, nl.subject AS subject_nl,
            (${today} - q.sent_date) AS days_waiting, (${today} - q.deadline) AS days_overdue,
            (SELECT count(*)::int FROM question_events e WHERE e.question_id = q.id AND e.type = 'reminder') AS reminders
       FROM picked q
       ${textsLateral(['addressee', 'subject'])}
      ORDER BY ${order}`,
    p.values,
  );
  return rows.map((r) => ({
    id: r.id,
    legislature: r.legislature,
    number: r.number,
    author: r.author_name,
    party: r.author_party,
    sentDate: r.sent_date,
    addressee: { fr: r.addressee_fr, nl: r.addressee_nl },
    addresseeKey: r.addressee_key || null,
    subject: { fr: r.subject_fr, nl: r.subject_nl },
    deadline: r.deadline,
    deadlineEstimated: r.deadline !== null && r.estimated,
    daysWaiting: r.days_waiting,
    daysOverdue: r.days_overdue,
    reminders: r.reminders,
  }));
}

/** Unanswered questions (status pending), the longest waiting first. */
export function pendingQuestions(db: Queryable, filter: QuestionFilter = {}, opts: DeadlineOptions & { limit?: number } = {}): Promise<PendingQuestion[]> {
  return waiting(db, filter, opts, false);
}

/** Unanswered questions past their deadline (printed or estimated), the earliest deadline first. */
export function overdueQuestions(db: Queryable, filter: QuestionFilter = {}, opts: DeadlineOptions & { limit?: number } = {}): Promise<PendingQuestion[]> {
  return waiting(db, filter, opts, true);
}

/** How we learnt of an answer: its `answer_arrived` event; a change of the answer field (no event); a question first seen already answered. */
export type ArrivalSource = 'event' | 'change' | 'first_seen';

export interface AnswerArrival {
  questionId: string;
  legislature: number;
  number: number;
  /** The language the answer was first seen in (null for a question first seen answered). */
  lang: Lang | null;
  /** When we first saw the answer. */
  seenAt: Date;
  /** The date printed on the page (`Réponse reçue le …` / `Antwoord ontvangen op …`), ISO. */
  answerDate: string | null;
  /** When the other language's answer was seen (`translation_arrived`), if it was. */
  translationSeenAt: Date | null;
  source: ArrivalSource;
  /** The `answer_arrived` event's id (source `event`). */
  eventId: string | null;
  author: string | null;
  party: string | null;
  addressee: Bilingual<string | null>;
  addresseeKey: string | null;
  subject: Bilingual<string | null>;
}

interface ArrivalRow {
  question_id: string;
  lang: Lang | null;
  seen_at: Date;
  source: ArrivalSource;
  event_id: string | null;
  legislature: number;
  number: number;
  author_name: string | null;
  author_party: string | null;
  addressee_key: string | null;
  answer_date: string | null;
  translation_seen_at: Date | null;
  addressee_fr: string | null;
  addressee_nl: string | null;
  subject_fr: string | null;
  subject_nl: string | null;
}

/** A null or JSON-null answer value in `changes`. */
const NO_ANSWER = (col: string) => `coalesce(${col}, 'null'::jsonb) = 'null'::jsonb`;

/**
 * Answers first seen at or after `since`, oldest first: from `answer_arrived` events (the first
 * one of the question); from changes of the answer field from none to some, for questions that
 * have no such event; and questions first seen at or after `since` already answered, with an
 * answer printed on or after `since`'s date (a question found answered at its first crawl is
 * an arrival only when its answer is that recent: a first crawl of a legislature is not a
 * flood of arrivals).
 */
export async function answersSince(db: Queryable, since: Date, opts: { limit?: number } = {}): Promise<AnswerArrival[]> {
  await updateAddresseeKeys(db);
  const p = new Params();
  const s = `${p.add(since)}::timestamptz`;
  const sinceDate = `${p.add(brusselsDate(since))}::date`;
  const limit = opts.limit ? `LIMIT ${p.add(opts.limit)}::int` : '';
  const { rows } = await db.query<ArrivalRow>(
    `WITH arrived AS (
       SELECT e.question_id, e.lang, e.occurred_at AS seen_at, 'event'::text AS source, e.id AS event_id
         FROM events e
        WHERE e.type = 'answer_arrived' AND e.occurred_at >= ${s}
          AND NOT EXISTS (SELECT 1 FROM events x WHERE x.question_id = e.question_id AND x.type = 'answer_arrived' AND x.seq < e.seq)
       UNION ALL
       SELECT c.question_id, c.lang, c.observed_at, 'change', NULL
         FROM changes c
        WHERE c.field = 'answer' AND c.kind = 'changed' AND ${NO_ANSWER('c.old_value')} AND NOT ${NO_ANSWER('c.new_value')}
          AND c.observed_at >= ${s}
          AND NOT EXISTS (SELECT 1 FROM events x WHERE x.question_id = c.question_id AND x.type = 'answer_arrived')
          -- the question's first answer (changes are stored in the order they were observed)
          AND NOT EXISTS (SELECT 1 FROM changes o WHERE o.question_id = c.question_id AND o.id < c.id AND o.field = 'answer'
                             AND o.kind = 'changed' AND ${NO_ANSWER('o.old_value')} AND NOT ${NO_ANSWER('o.new_value')})
       UNION ALL
       SELECT q.id, NULL, q.first_seen_at, 'first_seen', NULL
         FROM questions q
        WHERE q.first_seen_at >= ${s} AND q.answer_date >= ${sinceDate}
          AND NOT EXISTS (SELECT 1 FROM events x WHERE x.question_id = q.id AND x.type = 'answer_arrived')
          AND NOT EXISTS (SELECT 1 FROM changes c WHERE c.question_id = q.id AND c.field = 'answer')
     )
     SELECT a.question_id, a.lang, a.seen_at, a.source, a.event_id, q.legislature, q.number, q.author_name, q.author_party, q.addressee_key,
            coalesce(t.answer_date, q.answer_date, fr.answer_date, nl.answer_date) AS answer_date,
            (SELECT min(x.occurred_at) FROM events x WHERE x.question_id = a.question_id AND x.type = 'translation_arrived') AS translation_seen_at,
            fr.addressee AS addressee_fr, nl.addressee AS addressee_nl, fr.subject AS subject_fr, nl.subject AS subject_nl
       FROM arrived a
       JOIN questions q ON q.id = a.question_id
       ${textsLateral(['addressee', 'subject', 'answer_date'])}
       LEFT JOIN LATERAL (SELECT CASE a.lang WHEN 'fr' THEN fr.answer_date WHEN 'nl' THEN nl.answer_date END AS answer_date) t ON true
      ORDER BY a.seen_at, q.legislature, q.number
      ${limit}`,
    p.values,
  );
  return rows.map((r) => ({
    questionId: r.question_id,
    legislature: r.legislature,
    number: r.number,
    lang: r.lang,
    seenAt: r.seen_at,
    answerDate: r.answer_date,
    translationSeenAt: r.translation_seen_at,
    source: r.source,
    eventId: r.event_id,
    author: r.author_name,
    party: r.author_party,
    addressee: { fr: r.addressee_fr, nl: r.addressee_nl },
    addresseeKey: r.addressee_key || null,
    subject: { fr: r.subject_fr, nl: r.subject_nl },
  }));
}

/** How one addressee answers. */
export interface AddresseeLateness {
  /** null: questions whose pages name no addressee. */
  addresseeKey: string | null;
  /** The title as printed on the key's most recent question, per language (the raw strings; addresseeTitles() gives them all). */
  names: Bilingual<string | null>;
  asked: number;
  answered: number;
  pending: number;
  /** Median days from sending to the printed answer date, over answered questions. */
  medianDaysToAnswer: number | null;
  /** Questions whose outcome by the deadline is known (answered, or deadline past). */
  due: number;
  /** Of those, answered on or before the deadline. */
  answeredByDeadline: number;
  /** answeredByDeadline / due, 0..1; null when nothing is due. */
  shareByDeadline: number | null;
  /** The longest-waiting unanswered question. */
  oldestUnanswered: { id: string; sentDate: string | null; daysWaiting: number | null } | null;
}

interface LatenessRow {
  key: string | null;
  asked: number;
  answered: number;
  pending: number;
  median_days: number | null;
  due: number;
  on_time: number;
  oldest_id: string | null;
  oldest_sent: string | null;
  oldest_days: number | null;
  name_fr: string | null;
  name_nl: string | null;
}

/**
 * Per addressee key: asked, answered, median days to answer, the share answered by the
 * deadline, the oldest unanswered question. Ordered by questions asked, most first.
 */
export async function latenessByAddressee(db: Queryable, filter: { legislature?: number | undefined } = {}, opts: DeadlineOptions = {}): Promise<AddresseeLateness[]> {
  await updateAddresseeKeys(db);
  const p = new Params();
  const today = `${p.add(brusselsDate(opts.now ?? new Date()))}::date`;
  const lateral = deadlineLateral(p, opts.deadlineEstimateDays ?? DEFAULT_DEADLINE_ESTIMATE_DAYS);
  const where = ['q.gone_since IS NULL', ...filterConditions(filter, p)];
  const answered = "(q.status = 'answered' OR q.answer_date IS NOT NULL)";
  // One pass over the questions (no texts: reading them all costs more than the whole aggregate);
  // the titles are those of each key's most recent question, read by index afterwards.
  const { rows } = await db.query<LatenessRow>(
    `WITH agg AS (
       SELECT nullif(q.addressee_key, '') AS key,
              count(*)::int AS asked,
              count(*) FILTER (WHERE ${answered})::int AS answered,
              count(*) FILTER (WHERE q.status = 'pending')::int AS pending,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY q.answer_date - q.sent_date) FILTER (WHERE ${answered} AND q.answer_date IS NOT NULL AND q.sent_date IS NOT NULL) AS median_days,
              count(*) FILTER (WHERE d.deadline IS NOT NULL AND (q.answer_date IS NOT NULL OR d.deadline < ${today}))::int AS due,
              count(*) FILTER (WHERE d.deadline IS NOT NULL AND q.answer_date IS NOT NULL AND q.answer_date <= d.deadline)::int AS on_time,
              (array_agg(q.id ORDER BY q.sent_date, q.legislature, q.number) FILTER (WHERE q.status = 'pending'))[1] AS oldest_id,
              min(q.sent_date) FILTER (WHERE q.status = 'pending') AS oldest_sent,
              (${today} - min(q.sent_date) FILTER (WHERE q.status = 'pending')) AS oldest_days,
              (array_agg(q.id ORDER BY q.sent_date DESC NULLS LAST, q.legislature DESC, q.number DESC))[1] AS latest_id
         FROM questions q
         ${lateral}
        WHERE ${where.join(' AND ')}
        GROUP BY 1
     )
     SELECT a.*, fr.addressee AS name_fr, nl.addressee AS name_nl
       FROM agg a
       LEFT JOIN LATERAL (SELECT a.latest_id AS id) q ON true
       ${textsLateral(['addressee'])}
      ORDER BY a.asked DESC, a.key`,
    p.values,
  );
  return rows.map((r) => ({
    addresseeKey: r.key,
    names: { fr: r.name_fr, nl: r.name_nl },
    asked: r.asked,
    answered: r.answered,
    pending: r.pending,
    medianDaysToAnswer: r.median_days === null ? null : Number(r.median_days),
    due: r.due,
    answeredByDeadline: r.on_time,
    shareByDeadline: r.due > 0 ? r.on_time / r.due : null,
    oldestUnanswered: r.oldest_id ? { id: r.oldest_id, sentDate: r.oldest_sent, daysWaiting: r.oldest_days } : null,
  }));
}

/** One printed title of an addressee key, and how many questions carry it. */
export interface AddresseeTitle {
  addresseeKey: string | null;
  lang: Lang;
  title: string;
  questions: number;
}

/**
 * The raw titles behind the addressee keys (every spelling and variant, per language), most
 * used first: what a key stands for. Reads every title: a full scan, for on-demand use.
 */
export async function addresseeTitles(db: Queryable, filter: { legislature?: number | undefined; addresseeKey?: string | undefined } = {}): Promise<AddresseeTitle[]> {
  await updateAddresseeKeys(db);
  const p = new Params();
  const where = ['q.gone_since IS NULL', 't.addressee IS NOT NULL', ...filterConditions({ legislature: filter.legislature }, p)];
  if (filter.addresseeKey !== undefined) where.push(`q.addressee_key = ${p.add(filter.addresseeKey)}::text`);
  const { rows } = await db.query<{ key: string | null; lang: Lang; title: string; questions: number }>(
    `SELECT nullif(q.addressee_key, '') AS key, t.lang, t.addressee AS title, count(*)::int AS questions
       FROM question_texts t JOIN questions q ON q.id = t.question_id
      WHERE ${where.join(' AND ')}
      GROUP BY 1, 2, 3
      ORDER BY 1, 2, 4 DESC, 3`,
    p.values,
  );
  return rows.map((r) => ({ addresseeKey: r.key, lang: r.lang, title: r.title, questions: r.questions }));
}

/** One stored change of a question's field (migration 0001 `changes`, 0007 cause and kind). */
export interface QuestionChange {
  id: number;
  /** null for a field both languages share. */
  lang: Lang | null;
  field: string;
  old: unknown;
  new: unknown;
  observedAt: Date;
  fetchId: number | null;
  runId: number | null;
  parserVersion: string;
  /** `senate`: the page changed; `parser`: a newer parser read the same page differently. */
  cause: 'senate' | 'parser';
  /**
   * `source_field_missing`: the page stopped showing the field; the stored value was kept.
   * `reformatted` (migration 0011): stored, but different only in whitespace (a reparse).
   */
  kind: ChangeKind;
}

export type ChangeKind = 'changed' | 'reformatted' | 'source_field_missing';

interface ChangeRow {
  id: number;
  lang: Lang | null;
  field: string;
  old_value: unknown;
  new_value: unknown;
  observed_at: Date;
  fetch_id: number | null;
  run_id: number | null;
  parser_version: string;
  cause: 'senate' | 'parser';
  kind: ChangeKind;
}

/** A question's changes, oldest first; null when the question is not stored. */
export async function questionHistory(db: Queryable, id: string): Promise<{ questionId: string; firstSeenAt: Date; changes: QuestionChange[] } | null> {
  const { rows: [q] } = await db.query<{ first_seen_at: Date }>('SELECT first_seen_at FROM questions WHERE id = $1', [id]);
  if (!q) return null;
  const { rows } = await db.query<ChangeRow>(
    `SELECT id, lang, field, old_value, new_value, observed_at, fetch_id, run_id, parser_version, cause, kind
       FROM changes WHERE question_id = $1 ORDER BY observed_at, id`,
    [id],
  );
  return {
    questionId: id,
    firstSeenAt: q.first_seen_at,
    changes: rows.map((r) => ({
      id: Number(r.id),
      lang: r.lang,
      field: r.field,
      old: r.old_value,
      new: r.new_value,
      observedAt: r.observed_at,
      fetchId: r.fetch_id === null ? null : Number(r.fetch_id),
      runId: r.run_id === null ? null : Number(r.run_id),
      parserVersion: r.parser_version,
      cause: r.cause,
      kind: r.kind,
    })),
  };
}

export interface EventQuery {
  /** Only these types; unset or empty: all. */
  types?: readonly EventType[] | undefined;
  /** Only events that occurred at or after this time. */
  since?: Date | undefined;
  /** The cursor: only events with a larger seq. */
  afterSeq?: number | undefined;
  questionId?: string | undefined;
  /** Default 1000. */
  limit?: number | undefined;
}

/** Events in seq order (the order they were stored), after a cursor: page on with the last event's seq. */
export async function listEvents(db: Queryable, query: EventQuery = {}): Promise<StoredEvent[]> {
  const p = new Params();
  const where = [`seq > ${p.add(query.afterSeq ?? 0)}::bigint`];
  if (query.types && query.types.length > 0) where.push(`type = ANY(${p.add(query.types)}::text[])`);
  if (query.since) where.push(`occurred_at >= ${p.add(query.since)}::timestamptz`);
  if (query.questionId) where.push(`question_id = ${p.add(query.questionId)}::text`);
  const { rows } = await db.query<EventRow>(
    `SELECT id, seq, type, question_id, lang, payload, occurred_at, run_id FROM events
      WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${p.add(query.limit ?? 1000)}::int`,
    p.values,
  );
  return rows.map(eventFromRow);
}

/** The highest event seq stored (0 when none): where a follower that wants only new events starts. */
export async function lastEventSeq(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM events');
  return Number(rows[0]?.seq ?? 0);
}

/** One entry of the answer feed (an Atom `<entry>`): one `answer_arrived` event and its question. */
export interface AnswerFeedEntry {
  /** The event id: stable, the entry's id. */
  eventId: string;
  seq: number;
  /** When the answer was first seen: the entry's `updated`. */
  seenAt: Date;
  lang: Lang | null;
  questionId: string;
  legislature: number;
  number: number;
  author: string | null;
  party: string | null;
  addressee: Bilingual<string | null>;
  addresseeKey: string | null;
  title: Bilingual<string | null>;
  subject: Bilingual<string | null>;
  /** Printed answer date, ISO. */
  answerDate: string | null;
  /** The answer's first 500 characters in the language it arrived in. */
  excerpt: string | null;
}

interface FeedRow {
  event_id: string;
  seq: number;
  seen_at: Date;
  lang: Lang | null;
  question_id: string;
  legislature: number;
  number: number;
  author_name: string | null;
  author_party: string | null;
  addressee_key: string | null;
  addressee_fr: string | null;
  addressee_nl: string | null;
  title_fr: string | null;
  title_nl: string | null;
  subject_fr: string | null;
  subject_nl: string | null;
  answer_date: string | null;
  excerpt: string | null;
}

/**
 * The query behind an Atom feed of answer arrivals: `answer_arrived` events, newest first,
 * narrowed by addressee (as `pending --addressee`), author (a piece of the name) and party
 * (case-insensitive, whole label). Default limit 50.
 */
export async function answerFeed(
  db: Queryable,
  filter: { addressee?: string | undefined; author?: string | undefined; party?: string | undefined; limit?: number | undefined } = {},
): Promise<AnswerFeedEntry[]> {
  await updateAddresseeKeys(db);
  const p = new Params();
  const where = ["e.type = 'answer_arrived'", ...filterConditions(filter, p)];
  const { rows } = await db.query<FeedRow>(
    `WITH picked AS (
       SELECT e.id, e.seq, e.occurred_at, e.lang, e.question_id
         FROM events e JOIN questions q ON q.id = e.question_id
        WHERE ${where.join(' AND ')}
        ORDER BY e.seq DESC
        LIMIT ${p.add(filter.limit ?? 50)}::int
     )
     SELECT e.id AS event_id, e.seq, e.occurred_at AS seen_at, e.lang, q.id AS question_id, q.legislature, q.number,
            q.author_name, q.author_party, q.addressee_key,
            fr.addressee AS addressee_fr, nl.addressee AS addressee_nl, fr.title AS title_fr, nl.title AS title_nl,
            fr.subject AS subject_fr, nl.subject AS subject_nl,
            coalesce(t.answer_date, q.answer_date) AS answer_date, left(t.answer_text, 500) AS excerpt
       FROM picked e
       JOIN questions q ON q.id = e.question_id
       LEFT JOIN question_texts t ON t.question_id = q.id AND t.lang = e.lang
       ${textsLateral(['addressee', 'title', 'subject'])}
      ORDER BY e.seq DESC`,
    p.values,
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    seq: Number(r.seq),
    seenAt: r.seen_at,
    lang: r.lang,
    questionId: r.question_id,
    legislature: r.legislature,
    number: r.number,
    author: r.author_name,
    party: r.author_party,
    addressee: { fr: r.addressee_fr, nl: r.addressee_nl },
    addresseeKey: r.addressee_key || null,
    title: { fr: r.title_fr, nl: r.title_nl },
    subject: { fr: r.subject_fr, nl: r.subject_nl },
    answerDate: r.answer_date,
    excerpt: r.excerpt,
  }));
}

const KEY_BATCH = 5000;

/**
 * Sets `questions.addressee_key` from the stored titles (src/senate/addressee.ts). With `ids`:
 * those questions, whatever their key (call it with the upserted ids, in the upsert's
 * transaction, when a title may have changed). Without: every question that has a title but no
 * key yet, by batches; the monitoring queries call it first, so keys are filled lazily (an
 * index probe when there is nothing to fill). A question whose pages name no addressee keeps a
 * null key. Returns how many rows were updated.
 */
export async function updateAddresseeKeys(db: Queryable, ids?: readonly string[]): Promise<number> {
  let updated = 0;
  for (;;) {
    const { rows } = await db.query<{ id: string; fr: string | null; nl: string | null }>(
      // The titles are read for the rows picked only (a join would read every title first).
      `SELECT q.id,
              (SELECT t.addressee FROM question_texts t WHERE t.question_id = q.id AND t.lang = 'fr') AS fr,
              (SELECT t.addressee FROM question_texts t WHERE t.question_id = q.id AND t.lang = 'nl') AS nl
         FROM questions q
        WHERE ${
          ids
            ? 'q.id = ANY($1::text[])'
            : 'q.addressee_key IS NULL AND EXISTS (SELECT 1 FROM question_texts t WHERE t.question_id = q.id AND t.addressee IS NOT NULL)'
        }
        LIMIT ${ids ? 'ALL' : KEY_BATCH}`,
      ids ? [ids] : [],
    );
    if (rows.length === 0) return updated;
    const { rowCount } = await db.query(
      `UPDATE questions q SET addressee_key = k.key
         FROM unnest($1::text[], $2::text[]) AS k(id, key)
        WHERE q.id = k.id AND q.addressee_key IS DISTINCT FROM k.key`,
      [rows.map((r) => r.id), rows.map((r) => addresseeKey({ fr: r.fr, nl: r.nl }))],
    );
    updated += rowCount;
    // A batch that sets nothing holds only titles without a key (blank ones): stop there.
    if (ids || rows.length < KEY_BATCH || rowCount === 0) return updated;
  }
}

/** A change row as `changes` holds it (the upsert's change writer writes its own; imports and tests use this). */
export interface NewChange {
  questionId: string;
  lang: Lang | null;
  field: string;
  old: unknown;
  new: unknown;
  observedAt?: Date | undefined;
  fetchId?: number | null | undefined;
  runId?: number | null | undefined;
  parserVersion: string;
  cause?: 'senate' | 'parser' | undefined;
  kind?: ChangeKind | undefined;
}

/** Appends change rows as given, in one statement; returns their ids in order. */
export async function appendChanges(db: Queryable, changes: readonly NewChange[]): Promise<number[]> {
  if (changes.length === 0) return [];
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO changes (question_id, lang, field, old_value, new_value, observed_at, fetch_id, run_id, parser_version, cause, kind)
     SELECT s.question_id, s.lang, s.field, s.old_value, s.new_value, coalesce(s.observed_at, now()), s.fetch_id, s.run_id, s.parser_version, s.cause, s.kind
       FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::timestamptz[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[])
            WITH ORDINALITY AS s(question_id, lang, field, old_value, new_value, observed_at, fetch_id, run_id, parser_version, cause, kind, ord)
      ORDER BY s.ord
     RETURNING id`,
    [
      changes.map((c) => c.questionId),
      changes.map((c) => c.lang),
      changes.map((c) => c.field),
      changes.map((c) => JSON.stringify(c.old ?? null)),
      changes.map((c) => JSON.stringify(c.new ?? null)),
      changes.map((c) => c.observedAt ?? null),
      changes.map((c) => c.fetchId ?? null),
      changes.map((c) => c.runId ?? null),
      changes.map((c) => c.parserVersion),
      changes.map((c) => c.cause ?? 'senate'),
      changes.map((c) => c.kind ?? 'changed'),
    ],
  );
  return rows.map((r) => Number(r.id));
}
