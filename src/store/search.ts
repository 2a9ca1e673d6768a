/**
 * Reads for the HTTP API and the exports: the filtered, sorted question listing with keyset
 * pagination and full-text search over both languages (migration 0013), a question's change
 * history, and every question in stable order, batch by batch, for the exports (never the
 * whole set in memory). Same SQL on PostgreSQL and PGlite.
 */
import { addresseeQueryKeys } from '../senate/addressee.ts';
import type { Lang, QuestionStatus } from '../senate/question-record.ts';
import type { Queryable } from './db.ts';
import { brusselsDate, DEFAULT_DEADLINE_ESTIMATE_DAYS, updateAddresseeKeys, type DeadlineOptions } from './monitoring.ts';

export const QUESTION_STATUSES: readonly QuestionStatus[] = ['pending', 'answered', 'closed', 'lapsed', 'requalified'];

/** The listing's filters; every one is optional and they combine with AND. */
export interface QuestionFilter {
  legislature?: number | undefined;
  status?: QuestionStatus | undefined;
  /** An addressee key (`minister:justice`), a title or portfolio word in French or Dutch, or part of the printed title (as the monitoring commands take it). */
  addressee?: string | undefined;
  /** Case-insensitive substring of the author's name. */
  author?: string | undefined;
  /** The author's party, case-insensitive. */
  party?: string | undefined;
  /** ISO dates, inclusive. */
  sentFrom?: string | undefined;
  sentTo?: string | undefined;
  answeredFrom?: string | undefined;
  answeredTo?: string | undefined;
  /** true: pending (and still served) with its deadline, printed or estimated, passed; false: everything else. */
  overdue?: boolean | undefined;
  /** Full text, web-search syntax ("quoted phrase", or, -not), stemmed in French and in Dutch. */
  q?: string | undefined;
  /** Only questions that changed (or were first seen) at or after this time (exports). */
  changedSince?: Date | undefined;
}

export const QUESTION_SORTS = ['sent', '-sent', 'answered', '-answered', 'deadline', '-deadline', 'number', '-number'] as const;
export type QuestionSort = (typeof QUESTION_SORTS)[number];

/** Where a page starts: the sort key of the last row of the previous page (dates as ISO text; `-infinity` for none). */
export type QuestionCursor = readonly [key: string | null, legislature: number, number: number];

export interface QuestionSummary {
  id: string;
  legislature: number;
  number: number;
  status: QuestionStatus;
  overdue: boolean;
  author: { name: string | null; party: string | null };
  sentDate: string | null;
  answerDeadline: string | null;
  answerDate: string | null;
  originalLanguage: Lang | null;
  texts: Partial<Record<Lang, { title: string; addressee: string | null; subject: string | null }>>;
}

export interface QuestionPage {
  items: QuestionSummary[];
  /** The cursor of the next page; null on the last one. */
  next: QuestionCursor | null;
}

/** The sort key expression of each sort (null: legislature and number only). Nulls sort as the oldest. */
const SORT_KEYS: Record<'sent' | 'answered' | 'deadline' | 'number', string | null> = {
  sent: `coalesce(q.sent_date, '-infinity'::date)`,
  answered: `coalesce(q.answer_date, '-infinity'::date)`,
  deadline: `coalesce(q.answer_deadline, '-infinity'::date)`,
  number: null,
};

/**
 * Overdue as the monitoring commands count it (src/store/monitoring.ts): pending, still served,
 * and past its deadline, the printed one or the date sent plus DEADLINE_ESTIMATE_DAYS, in
 * Brussels' calendar. `today` and `days` are parameters.
 */
function overdueExpr(params: unknown[], deadlines: DeadlineOptions): string {
  const today = `$${params.push(brusselsDate(deadlines.now ?? new Date()))}::date`;
  const days = `$${params.push(deadlines.deadlineEstimateDays ?? DEFAULT_DEADLINE_ESTIMATE_DAYS)}::int`;
  return `(q.status = 'pending' AND q.gone_since IS NULL AND coalesce(q.answer_deadline, q.sent_date + ${days}) < ${today})`;
}

/** A case-insensitive substring pattern for ILIKE: `%` and `_` of user input taken literally. */
export function likeLiteral(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The question `q` is addressed to `addressee`, as the monitoring commands read it: one of the
 * keys the text may mean (src/senate/addressee.ts), part of a key, or part of the printed title
 * in either language. The keys are filled lazily: call fillAddresseeKeys first.
 */
export function addresseeCondition(addressee: string, params: unknown[]): string {
  const keys = `$${params.push(addresseeQueryKeys(addressee))}::text[]`;
  const like = `$${params.push(likeLiteral(addressee))}::text`;
  return `(q.addressee_key = ANY(${keys}) OR q.addressee_key ILIKE ${like}
           OR EXISTS (SELECT 1 FROM question_texts a WHERE a.question_id = q.id AND a.addressee ILIKE ${like}))`;
}

/** Sets the addressee keys not set yet (monitoring's lazy fill), before a query filters on them. */
export async function fillAddresseeKeys(db: Queryable, filter: { addressee?: string | undefined }): Promise<void> {
  if (filter.addressee !== undefined) await updateAddresseeKeys(db);
}

/**
 * How a full-text condition is written. `ids`: the matching ids first, from the two GIN
 * indexes, then the rest: the cost follows the number of matches (right when they are few, or
 * when every match is read anyway, as exports do). `dense`: a correlated EXISTS, which lets the
 * planner walk the listing's order and stop at the page's end (right when matches are many: a
 * common word's first page is found in the first rows, where `ids` would read and sort tens of
 * thousands). Each is the other's worst case: bench:api measured 5 s for `dense` on a word
 * matching nothing and 10 s for `ids` on a word in most questions, at 100,000 questions.
 */
type FullTextPlan = 'ids' | 'dense';

/**
 * At least this many matching texts: a dense match. Walking costs about page size × questions ÷
 * matches rows, `ids` about matches: they cross near √(50 × questions), 2,000 at 100,000.
 */
export const DENSE_MATCHES = 2_000;

/** Whether `q` matches at least `dense` texts; reads at most that many matches per language. */
async function fullTextPlan(db: Queryable, q: string, dense: number): Promise<FullTextPlan> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       (SELECT 1 FROM question_texts t WHERE t.search_fr @@ websearch_to_tsquery('french'::regconfig, $1::text) LIMIT $2::int)
       UNION ALL
       (SELECT 1 FROM question_texts t WHERE t.search_nl @@ websearch_to_tsquery('dutch'::regconfig, $1::text) LIMIT $2::int)
     ) s`,
    [q, dense],
  );
  return (rows[0]?.n ?? 0) >= dense ? 'dense' : 'ids';
}

/** The WHERE conditions of `filter`, their parameters pushed onto `params`. */
function filterConditions(filter: QuestionFilter, params: unknown[], fullText: FullTextPlan = 'ids', deadlines: DeadlineOptions = {}): string[] {
  const $ = (v: unknown) => `$${params.push(v)}`;
  const where: string[] = [];
  if (filter.legislature !== undefined) where.push(`q.legislature = ${$(filter.legislature)}::int`);
  if (filter.status !== undefined) where.push(`q.status = ${$(filter.status)}::text`);
  if (filter.author !== undefined) where.push(`q.author_name ILIKE ${$(likeLiteral(filter.author))}::text`);
  if (filter.party !== undefined) where.push(`lower(q.author_party) = lower(${$(filter.party)}::text)`);
  if (filter.addressee !== undefined) where.push(addresseeCondition(filter.addressee, params));
  if (filter.sentFrom !== undefined) where.push(`q.sent_date >= ${$(filter.sentFrom)}::date`);
  if (filter.sentTo !== undefined) where.push(`q.sent_date <= ${$(filter.sentTo)}::date`);
  if (filter.answeredFrom !== undefined) where.push(`q.answer_date >= ${$(filter.answeredFrom)}::date`);
  if (filter.answeredTo !== undefined) where.push(`q.answer_date <= ${$(filter.answeredTo)}::date`);
  if (filter.overdue !== undefined) {
    const overdue = overdueExpr(params, deadlines);
    where.push(filter.overdue ? overdue : `NOT ${overdue}`);
  }
  if (filter.changedSince !== undefined) where.push(`coalesce(q.last_changed_at, q.first_seen_at) >= ${$(filter.changedSince)}::timestamptz`);
  if (filter.q !== undefined) {
    const p = $(filter.q);
    // Each language's text matched with the query stemmed in that language.
    where.push(
      fullText === 'ids'
        ? `q.id IN (SELECT t.question_id FROM question_texts t WHERE t.search_fr @@ websearch_to_tsquery('french'::regconfig, ${p}::text)
                    UNION
                    SELECT t.question_id FROM question_texts t WHERE t.search_nl @@ websearch_to_tsquery('dutch'::regconfig, ${p}::text))`
        : `EXISTS (SELECT 1 FROM question_texts t WHERE t.question_id = q.id
                     AND (t.search_fr @@ websearch_to_tsquery('french'::regconfig, ${p}::text)
                          OR t.search_nl @@ websearch_to_tsquery('dutch'::regconfig, ${p}::text)))`,
    );
  }
  return where;
}

interface SummaryRow {
  id: string;
  legislature: number;
  number: number;
  status: QuestionStatus;
  overdue: boolean;
  author_name: string | null;
  author_party: string | null;
  sent_date: string | null;
  answer_deadline: string | null;
  answer_date: string | null;
  original_language: Lang | null;
  sort_key: string | null;
  fr_title: string | null;
  fr_addressee: string | null;
  fr_subject: string | null;
  nl_title: string | null;
  nl_addressee: string | null;
  nl_subject: string | null;
}

/**
 * One page of questions matching `filter`, in `sort` order, after `after`. Keyset pagination:
 * a page starts strictly after the previous page's last (key, legislature, number), so rows
 * inserted or changed meanwhile never make a page repeat or skip one that stayed put.
 */
export async function searchQuestions(
  db: Queryable,
  filter: QuestionFilter,
  opts: { sort?: QuestionSort; limit: number; after?: QuestionCursor | null; denseMatches?: number } & DeadlineOptions,
): Promise<QuestionPage> {
  const sort = opts.sort ?? '-sent';
  const desc = sort.startsWith('-');
  const keyExpr = SORT_KEYS[sort.replace(/^-/, '') as keyof typeof SORT_KEYS];
  const params: unknown[] = [];
  const $ = (v: unknown) => `$${params.push(v)}`;
  const plan = filter.q === undefined ? 'ids' : await fullTextPlan(db, filter.q, opts.denseMatches ?? DENSE_MATCHES);
  await fillAddresseeKeys(db, filter);
  const where = filterConditions(filter, params, plan, opts);
  const order = keyExpr ? [keyExpr, 'q.legislature', 'q.number'] : ['q.legislature', 'q.number'];
  if (opts.after) {
    const [key, legislature, number] = opts.after;
    const values = keyExpr ? [`${$(key ?? '-infinity')}::date`] : [];
    values.push(`${$(legislature)}::int`, `${$(number)}::int`);
    where.push(`(${order.join(', ')}) ${desc ? '<' : '>'} (${values.join(', ')})`);
  }
  const dir = desc ? 'DESC' : 'ASC';
  const { rows } = await db.query<SummaryRow>(
    `SELECT q.id, q.legislature, q.number, q.status, ${overdueExpr(params, opts)} AS overdue, q.author_name, q.author_party,
            q.sent_date, q.answer_deadline, q.answer_date, q.original_language,
            ${keyExpr ? `${keyExpr}::text` : 'NULL::text'} AS sort_key,
            fr.title AS fr_title, fr.addressee AS fr_addressee, fr.subject AS fr_subject,
            nl.title AS nl_title, nl.addressee AS nl_addressee, nl.subject AS nl_subject
       FROM questions q
       LEFT JOIN question_texts fr ON fr.question_id = q.id AND fr.lang = 'fr'
       LEFT JOIN question_texts nl ON nl.question_id = q.id AND nl.lang = 'nl'
      ${where.length > 0 ? `WHERE ${where.join('\n        AND ')}` : ''}
      ORDER BY ${order.map((o) => `${o} ${dir}`).join(', ')}
      LIMIT ${$(opts.limit + 1)}::int`,
    params,
  );
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(summaryFromRow),
    next: more && last ? [last.sort_key, last.legislature, last.number] : null,
  };
}

function summaryFromRow(r: SummaryRow): QuestionSummary {
  const texts: QuestionSummary['texts'] = {};
  if (r.fr_title !== null) texts.fr = { title: r.fr_title, addressee: r.fr_addressee, subject: r.fr_subject };
  if (r.nl_title !== null) texts.nl = { title: r.nl_title, addressee: r.nl_addressee, subject: r.nl_subject };
  return {
    id: r.id,
    legislature: r.legislature,
    number: r.number,
    status: r.status,
    overdue: r.overdue,
    author: { name: r.author_name, party: r.author_party },
    sentDate: r.sent_date,
    answerDeadline: r.answer_deadline,
    answerDate: r.answer_date,
    originalLanguage: r.original_language,
    texts,
  };
}

/** Of `ids`, the ones stored (for relation links). */
export async function storedIds(db: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>('SELECT id FROM questions WHERE id = ANY($1::text[])', [ids]);
  return new Set(rows.map((r) => r.id));
}

/** The per-language fields an export carries. */
export interface ExportTexts {
  title: string;
  addressee: string | null;
  subject: string | null;
  keywords: string[];
  questionText: string;
  answerDate: string | null;
  answerText: string | null;
  answerHtml: string | null;
}

/** One question as the exports write it: shared fields and both languages. */
export interface ExportQuestion {
  id: string;
  legislature: number;
  number: number;
  status: QuestionStatus;
  authorName: string | null;
  authorParty: string | null;
  sentDate: string | null;
  answerDeadline: string | null;
  deadlineEstimated: boolean;
  answerDate: string | null;
  originalLanguage: Lang | null;
  firstSeenAt: Date;
  lastChangedAt: Date | null;
  goneSince: Date | null;
  texts: Record<Lang, ExportTexts | null>;
}

const TEXT_SELECT = (l: Lang) =>
  `${l}.title AS ${l}_title, ${l}.addressee AS ${l}_addressee, ${l}.subject AS ${l}_subject, ${l}.keywords AS ${l}_keywords,
   ${l}.question_text AS ${l}_question_text, ${l}.answer_date AS ${l}_answer_date, ${l}.answer_text AS ${l}_answer_text,
   ${l}.answer_html AS ${l}_answer_html`;

function exportTexts(r: Record<string, unknown>, l: Lang): ExportTexts | null {
  if (r[`${l}_title`] === null || r[`${l}_title`] === undefined) return null;
  return {
    title: r[`${l}_title`] as string,
    addressee: r[`${l}_addressee`] as string | null,
    subject: r[`${l}_subject`] as string | null,
    keywords: (r[`${l}_keywords`] as string[] | null) ?? [],
    questionText: r[`${l}_question_text`] as string,
    answerDate: r[`${l}_answer_date`] as string | null,
    answerText: r[`${l}_answer_text`] as string | null,
    answerHtml: r[`${l}_answer_html`] as string | null,
  };
}

/**
 * Every question matching `filter` in (legislature, number) order, `batchSize` rows per query:
 * keyset batches rather than a server-side cursor, so it works alike on PGlite, holds no
 * transaction open while a slow client reads, and memory stays one batch whatever the total.
 */
export async function* exportQuestions(db: Queryable, filter: QuestionFilter = {}, batchSize = 1000, deadlines: DeadlineOptions = {}): AsyncGenerator<ExportQuestion[]> {
  await fillAddresseeKeys(db, filter);
  let after: [number, number] | null = null;
  for (;;) {
    const params: unknown[] = [];
    const where = filterConditions(filter, params, 'ids', deadlines);
    if (after) where.push(`(q.legislature, q.number) > ($${params.push(after[0])}::int, $${params.push(after[1])}::int)`);
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT q.id, q.legislature, q.number, q.status, q.author_name, q.author_party, q.sent_date, q.answer_deadline,
              q.deadline_estimated, q.answer_date, q.original_language, q.first_seen_at, q.last_changed_at, q.gone_since,
              ${TEXT_SELECT('fr')}, ${TEXT_SELECT('nl')}
         FROM questions q
         LEFT JOIN question_texts fr ON fr.question_id = q.id AND fr.lang = 'fr'
         LEFT JOIN question_texts nl ON nl.question_id = q.id AND nl.lang = 'nl'
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY q.legislature, q.number
        LIMIT $${params.push(batchSize)}::int`,
      params,
    );
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      id: r.id as string,
      legislature: r.legislature as number,
      number: r.number as number,
      status: r.status as QuestionStatus,
      authorName: r.author_name as string | null,
      authorParty: r.author_party as string | null,
      sentDate: r.sent_date as string | null,
      answerDeadline: r.answer_deadline as string | null,
      deadlineEstimated: r.deadline_estimated as boolean,
      answerDate: r.answer_date as string | null,
      originalLanguage: r.original_language as Lang | null,
      firstSeenAt: r.first_seen_at as Date,
      lastChangedAt: r.last_changed_at as Date | null,
      goneSince: r.gone_since as Date | null,
      texts: { fr: exportTexts(r, 'fr'), nl: exportTexts(r, 'nl') },
    }));
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = [last.legislature as number, last.number as number];
  }
}
