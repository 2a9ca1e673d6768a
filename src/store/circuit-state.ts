/**
 * circuit_breakers: the circuit breaker's state in PostgreSQL, for processes that share a
 * database but no Redis. Read-modify-write under the row's lock, on the database's clock; the
 * state machine itself is the caller's (src/crawl/circuit-breaker.ts).
 */
import type { Db, Queryable } from './db.ts';

export interface StoredCircuit {
  state: 'closed' | 'open' | 'half-open';
  opens: number;
  /** epoch ms */
  untilMs: number;
  sinceMs: number | null;
  reason: string | null;
  failing: string[];
}

export const CLOSED_CIRCUIT: StoredCircuit = { state: 'closed', opens: 0, untilMs: 0, sinceMs: null, reason: null, failing: [] };

type Row = { state: StoredCircuit['state']; opens: number; until_ms: string | null; since_ms: string | null; reason: string | null; failing: string[]; now_ms: string };

const SELECT = `SELECT state, opens, (extract(epoch FROM until_at) * 1000)::bigint AS until_ms, (extract(epoch FROM since_at) * 1000)::bigint AS since_ms,
                       reason, failing, (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms
                  FROM circuit_breakers WHERE host = $1`;

function fromRow(r: Row | undefined): StoredCircuit {
  if (!r) return { ...CLOSED_CIRCUIT };
  return { state: r.state, opens: r.opens, untilMs: r.until_ms === null ? 0 : Number(r.until_ms), sinceMs: r.since_ms === null ? null : Number(r.since_ms), reason: r.reason, failing: r.failing };
}

async function now(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ now_ms: string }>(`SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms`);
  return Number(rows[0]!.now_ms);
}

/** The host's circuit (closed when it has no row) and the database's clock (epoch ms). */
export async function readCircuit(db: Queryable, host: string): Promise<{ circuit: StoredCircuit; nowMs: number }> {
  const { rows } = await db.query<Row>(SELECT, [host]);
  return { circuit: fromRow(rows[0]), nowMs: rows[0] ? Number(rows[0].now_ms) : await now(db) };
}

/**
 * Runs `step` on the host's circuit under its row lock and saves what it returns (null: no
 * change). Returns `step`'s result.
 */
export async function updateCircuit<T>(db: Db, host: string, step: (circuit: StoredCircuit, nowMs: number) => { next: StoredCircuit | null; result: T }): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(`INSERT INTO circuit_breakers (host) VALUES ($1) ON CONFLICT (host) DO NOTHING`, [host]);
    const { rows } = await tx.query<Row>(`${SELECT} FOR UPDATE`, [host]);
    const { next, result } = step(fromRow(rows[0]), Number(rows[0]!.now_ms));
    if (next) {
      await tx.query(
        `UPDATE circuit_breakers SET state = $2, opens = $3, until_at = to_timestamp($4::double precision / 1000), since_at = to_timestamp($5::double precision / 1000), reason = $6, failing = $7::text[]
          WHERE host = $1`,
        [host, next.state, next.opens, next.untilMs, next.sinceMs, next.reason, next.failing],
      );
    }
    return result;
  });
}

/** Closes the host's circuit and forgets its failing pages; one statement, nothing written when there is nothing to forget. */
export async function closeCircuit(db: Queryable, host: string): Promise<void> {
  await db.query(
    `UPDATE circuit_breakers SET state = 'closed', opens = 0, until_at = NULL, since_at = NULL, reason = NULL, failing = '{}'
      WHERE host = $1 AND (state <> 'closed' OR cardinality(failing) > 0)`,
    [host],
  );
}
