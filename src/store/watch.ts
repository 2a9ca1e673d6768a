/**
 * The answer watch's queries: which questions expect an answer soon, how many requests the
 * watch has spent lately, and what a run changed (what `recrawl --wait` prints).
 */
import type { Queryable } from './db.ts';

export type WatchReason = 'one-language-answered' | 'reminder-sent' | 'deadline-near' | 'deadline-past' | 'closed-legislature';

/** How much more often a kind of candidate is checked than a question whose deadline is long past. */
export const WATCH_WEIGHTS: Record<WatchReason, number> = {
  'one-language-answered': 8,
  'reminder-sent': 2,
  'deadline-near': 2,
  'deadline-past': 1,
  'closed-legislature': 1,
};

export interface WatchCandidate {
  id: string;
  reason: WatchReason;
}

export interface WatchSelection {
  /** the clock the deadlines are judged by (a benchmark passes a simulated one) */
  now: Date;
  /** legislatures before it are closed */
  currentLegislature: number;
  /** a pending question whose deadline is at most this many days ahead (or past) is watched */
  deadlineDays: number;
  /** a deadline further past than this is "past" (watched after the near ones), not "near" */
  pastDays: number;
  /** a question still pending in a closed legislature is refetched once per this many days */
  closedEveryDays: number;
  limit: number;
}

/**
 * The questions that expect an answer soon:
 * - answered in one language only (the translation follows within days);
 * - pending with a reminder sent, or a deadline within `deadlineDays` ahead or `pastDays` past;
 * - pending with a deadline further past;
 * - pending in a closed legislature and not fetched for `closedEveryDays`;
 * unless a run still going (the nightly crawl) has it queued. First the ones never fetched, then by how long ago they were checked, weighed by how
 * expected their answer is (WATCH_WEIGHTS): a budget smaller than the list goes round all of
 * it, the most expected more often, and none is starved. The age is counted from `now`, or from
 * the newest fetch when that is later (a benchmark's simulated clock runs behind the real one).
 */
export async function watchCandidates(db: Queryable, s: WatchSelection): Promise<WatchCandidate[]> {
  if (s.limit <= 0) return [];
  const { rows } = await db.query<{ id: string; reason: WatchReason }>(
    `WITH q AS (
       SELECT q.id, q.legislature, q.status, q.answer_deadline, q.last_fetched_at,
              (SELECT count(*) FILTER (WHERE coalesce(t.answer_text, '') <> '') FROM question_texts t WHERE t.question_id = q.id) AS answered_langs,
              EXISTS (SELECT 1 FROM question_events e WHERE e.question_id = q.id AND e.type = 'reminder') AS reminded
         FROM questions q
        WHERE q.gone_since IS NULL AND q.status IN ('pending', 'answered')
          -- already queued by a run still going (the nightly crawl): it is fetched anyway
          AND q.id NOT IN (SELECT substr(j.key, 3) FROM run_jobs j JOIN crawl_runs r ON r.id = j.run_id
                            WHERE r.status = 'running' AND j.finished_at IS NULL AND j.key LIKE 'q-%')
     ), c AS (
       SELECT id, last_fetched_at,
              CASE
                WHEN legislature < $2 THEN 'closed-legislature'
                WHEN answered_langs = 1 THEN 'one-language-answered'
                WHEN reminded THEN 'reminder-sent'
                WHEN answer_deadline < $1::date - $4::int THEN 'deadline-past'
                ELSE 'deadline-near'
              END AS reason
         FROM q
        WHERE (legislature >= $2 AND (answered_langs = 1
                 OR (status = 'pending' AND (reminded OR answer_deadline <= $1::date + $3::int))))
           OR (legislature < $2 AND status = 'pending'
                 AND (last_fetched_at IS NULL OR last_fetched_at < $1::timestamptz - make_interval(days => $5::int)))
     )
     SELECT id, reason FROM c
      ORDER BY last_fetched_at IS NOT NULL,
               extract(epoch FROM (greatest($1::timestamptz, (SELECT max(last_fetched_at) FROM questions)) - last_fetched_at))
                 * (($7::jsonb)->>reason)::float8 DESC,
               id
      LIMIT $6`,
    [s.now, s.currentLegislature, s.deadlineDays, s.pastDays, s.closedEveryDays, s.limit, JSON.stringify(WATCH_WEIGHTS)],
  );
  return rows;
}

/**
 * Requests spent (or, for a run still going, about to be spent: two pages per queued question)
 * by watch runs due after `since`.
 */
export async function watchRequestsSince(db: Queryable, since: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT coalesce(sum(CASE WHEN finished_at IS NULL THEN greatest(requests, 2 * jobs_total) ELSE requests END), 0)::int AS n
       FROM crawl_runs WHERE kind = 'watch' AND status <> 'skipped' AND scheduled_for > $1::timestamptz`,
    [since],
  );
  return rows[0]?.n ?? 0;
}

export interface RunChange {
  questionId: string;
  lang: string | null;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  kind: string;
}

/** The changes a run wrote, question by question in the order written. */
export async function runChanges(db: Queryable, runId: number): Promise<RunChange[]> {
  const { rows } = await db.query<{ question_id: string; lang: string | null; field: string; old_value: unknown; new_value: unknown; kind: string }>(
    'SELECT question_id, lang, field, old_value, new_value, kind FROM changes WHERE run_id = $1 ORDER BY question_id, id',
    [runId],
  );
  return rows.map((r) => ({ questionId: r.question_id, lang: r.lang, field: r.field, oldValue: r.old_value, newValue: r.new_value, kind: r.kind }));
}

/** Each job's outcome in a run ('new', 'changed', 'unchanged', 'missing', 'failed: …'), by key. */
export async function runJobOutcomes(db: Queryable, runId: number): Promise<Map<string, string | null>> {
  const { rows } = await db.query<{ key: string; outcome: string | null }>('SELECT key, outcome FROM run_jobs WHERE run_id = $1 ORDER BY key', [runId]);
  return new Map(rows.map((r) => [r.key, r.outcome]));
}
