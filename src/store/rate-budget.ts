/**
 * The request budget in PostgreSQL, for processes that share a database but no Redis: the
 * same GCRA as the Redis limiter (src/crawl/rate-limit.ts), one row per host, each step one
 * statement on the database's clock so that the hosts' clocks do not matter.
 *
 * The clock is read when the statement starts, before it waits for the row's lock, so a send
 * is recorded as early as that wait: the table is unlogged, so that a transaction holds the
 * lock for a fraction of a millisecond and does not wait for a WAL flush.
 */
import type { Queryable } from './db.ts';

const NOW_US = `(extract(epoch FROM clock_timestamp()) * 1000000)::bigint`;

/** Creates the host's row (idempotent). */
export async function ensureBudget(db: Queryable, host: string): Promise<void> {
  await db.query('INSERT INTO rate_budget (host) VALUES ($1) ON CONFLICT (host) DO NOTHING', [host]);
}

export interface Reservation {
  /** how long to sleep before committing, µs */
  waitUs: number;
  /** false when the host is paused for longer than `maxPauseUs`: nothing was reserved, ask again later */
  reserved: boolean;
}

/**
 * Reserves the next slot: `max(now, nextFree, pausedUntil)`, and moves nextFree one interval
 * on. Behind a pause longer than `maxPauseUs` nothing is reserved (waiting callers must not
 * pile up slots). Null when the host has no row yet (ensureBudget).
 */
export async function reserveSlot(db: Queryable, host: string, intervalUs: number, maxPauseUs: number): Promise<Reservation | null> {
  const { rows } = await db.query<{ wait_us: number; reserved: boolean }>(
    `UPDATE rate_budget b
        SET next_free_us = CASE WHEN b.paused_until_us - n.us > $3 OR $2::bigint = 0 THEN b.next_free_us
                                ELSE greatest(b.next_free_us, n.us, b.paused_until_us) + $2::bigint END
       FROM (SELECT ${NOW_US} AS us) n
      WHERE b.host = $1
  RETURNING CASE WHEN b.paused_until_us - n.us > $3 THEN b.paused_until_us - n.us
                 ELSE greatest(b.next_free_us - $2::bigint, n.us, b.paused_until_us) - n.us END AS wait_us,
            b.paused_until_us - n.us <= $3 AS reserved`,
    [host, Math.round(intervalUs), Math.round(maxPauseUs)],
  );
  const r = rows[0];
  return r ? { waitUs: Number(r.wait_us), reserved: r.reserved } : null;
}

export type CommitVerdict = { go: true } | { go: false; paused: boolean; waitUs: number };

/**
 * Records "sent now" for `sender` (a token unique to this acquire), unless the last send is
 * less than one interval ago or a pause has begun: then says how long to wait.
 */
export async function commitSend(db: Queryable, host: string, intervalUs: number, sender: string): Promise<CommitVerdict> {
  const { rows } = await db.query<{ go: boolean; paused: boolean; wait_us: number }>(
    `UPDATE rate_budget b
        SET last_sent_us = CASE WHEN b.paused_until_us <= n.us AND n.us - b.last_sent_us >= $2::bigint THEN n.us ELSE b.last_sent_us END,
            last_sender  = CASE WHEN b.paused_until_us <= n.us AND n.us - b.last_sent_us >= $2::bigint THEN $3 ELSE b.last_sender END
       FROM (SELECT ${NOW_US} AS us) n
      WHERE b.host = $1
  RETURNING b.last_sender IS NOT DISTINCT FROM $3 AS go,
            b.paused_until_us > n.us AS paused,
            CASE WHEN b.paused_until_us > n.us THEN b.paused_until_us - n.us
                 ELSE $2::bigint - (n.us - b.last_sent_us) + 1 END AS wait_us`,
    [host, Math.round(intervalUs), sender],
  );
  const r = rows[0];
  if (!r) throw new Error(`no rate budget row for ${host}`);
  return r.go ? { go: true } : { go: false, paused: r.paused, waitUs: Math.max(0, Number(r.wait_us)) };
}

/** Pauses the host for everyone for `durationMs` from the database's now; only ever extends. Returns the pause left, ms. */
export async function pauseBudget(db: Queryable, host: string, durationMs: number): Promise<number> {
  await ensureBudget(db, host);
  const { rows } = await db.query<{ left_us: number }>(
    `UPDATE rate_budget b SET paused_until_us = greatest(b.paused_until_us, n.us + $2::bigint)
       FROM (SELECT ${NOW_US} AS us) n
      WHERE b.host = $1
  RETURNING b.paused_until_us - n.us AS left_us`,
    [host, Math.round(durationMs * 1000)],
  );
  return Math.max(0, Number(rows[0]?.left_us ?? 0)) / 1000;
}

/** The pause left for the host, ms (0 when none). */
export async function budgetPauseLeftMs(db: Queryable, host: string): Promise<number> {
  const { rows } = await db.query<{ left_us: number }>(`SELECT b.paused_until_us - ${NOW_US} AS left_us FROM rate_budget b WHERE b.host = $1`, [host]);
  return Math.max(0, Number(rows[0]?.left_us ?? 0)) / 1000;
}
