/**
 * Misses of questions the Senate did not serve, and their retry backoff (migration 0008). A
 * question is gone only after repeated misses over time (markGoneIfDue), never after one bad
 * response; a question seen again loses its misses and is back (markSeen).
 */
import type { Queryable } from './db.ts';

/** The backoff after the n-th consecutive miss: 1 day, doubling, at most 30 days. */
export const MISS_BACKOFF_MAX_DAYS = 30;

export function missBackoffDays(misses: number): number {
  return Math.min(MISS_BACKOFF_MAX_DAYS, 2 ** Math.min(Math.max(0, misses - 1), 10));
}

export interface Miss {
  misses: number;
  firstMissAt: Date;
  nextRetryAt: Date;
}

/**
 * Records one miss of `id` (once per run: a second miss in the same run changes only the
 * reason) and sets its next retry on the backoff. Returns the question's misses so far.
 */
export async function recordMiss(db: Queryable, id: string, reason: string, runId: number | null, now = new Date()): Promise<Miss> {
  const { rows } = await db.query<{ misses: number; first_miss_at: Date; next_retry_at: Date }>(
    `INSERT INTO question_misses AS m (question_id, misses, first_miss_at, last_miss_at, next_retry_at, last_run_id, last_reason)
     VALUES ($1, 1, $2::timestamptz, $2::timestamptz, $2::timestamptz + make_interval(days => $5::int), $3::bigint, $4)
     ON CONFLICT (question_id) DO UPDATE SET
       misses = m.misses + CASE WHEN $3::bigint IS NOT NULL AND m.last_run_id = $3::bigint THEN 0 ELSE 1 END,
       last_miss_at = EXCLUDED.last_miss_at,
       last_run_id = EXCLUDED.last_run_id,
       last_reason = EXCLUDED.last_reason,
       next_retry_at = $2::timestamptz + make_interval(days => LEAST($6::int, power(2, LEAST(
         m.misses - CASE WHEN $3::bigint IS NOT NULL AND m.last_run_id = $3::bigint THEN 1 ELSE 0 END, 10))::int))
     RETURNING misses, first_miss_at, next_retry_at`,
    [id, now, runId, reason.slice(0, 500), missBackoffDays(1), MISS_BACKOFF_MAX_DAYS],
  );
  const r = rows[0]!;
  return { misses: r.misses, firstMissAt: new Date(r.first_miss_at), nextRetryAt: new Date(r.next_retry_at) };
}

/** Whether a question with these misses is to be marked gone now. */
export function isGone(miss: Miss, rule: { goneAfterMisses: number; goneAfterDays: number }, now = new Date()): boolean {
  return miss.misses >= rule.goneAfterMisses && now.getTime() - miss.firstMissAt.getTime() >= rule.goneAfterDays * 86_400_000;
}

/**
 * The question was served again: its misses are forgotten and a stored question marked gone
 * is back (gone_since cleared). Returns true when it had been marked gone.
 */
export async function markSeen(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query<{ back: number }>(
    `WITH forgotten AS (DELETE FROM question_misses WHERE question_id = $1),
          back AS (UPDATE questions SET gone_since = NULL WHERE id = $1 AND gone_since IS NOT NULL RETURNING 1)
     SELECT count(*)::int AS back FROM back`,
    [id],
  );
  return (rows[0]?.back ?? 0) > 0;
}

/** Of `ids`, the ones whose misses say: not before a later run (their next retry is in the future). */
export async function idsBackingOff(db: Queryable, ids: readonly string[], now = new Date()): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query<{ question_id: string }>(
    'SELECT question_id FROM question_misses WHERE question_id = ANY($1::text[]) AND next_retry_at > $2::timestamptz',
    [ids, now],
  );
  return new Set(rows.map((r) => r.question_id));
}

/** The misses of one question, or null (for reports and tests). */
export async function getMiss(db: Queryable, id: string): Promise<(Miss & { lastReason: string | null }) | null> {
  const { rows } = await db.query<{ misses: number; first_miss_at: Date; next_retry_at: Date; last_reason: string | null }>(
    'SELECT misses, first_miss_at, next_retry_at, last_reason FROM question_misses WHERE question_id = $1',
    [id],
  );
  const r = rows[0];
  return r ? { misses: r.misses, firstMissAt: new Date(r.first_miss_at), nextRetryAt: new Date(r.next_retry_at), lastReason: r.last_reason } : null;
}
