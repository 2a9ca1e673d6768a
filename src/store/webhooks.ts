/**
 * The webhook outbox after it is written (events.ts writes it): the dispatcher claims due
 * deliveries and records each attempt; the `webhooks` command reads counts, errors and
 * attempts, and puts failed deliveries back.
 *
 * A claim is a lease: it counts the attempt and moves `next_attempt_at` to when the lease ends,
 * so a dispatcher that dies mid-attempt leaves a delivery that another one takes again once the
 * lease is over (at-least-once). Claims take rows FOR UPDATE SKIP LOCKED, so any number of
 * dispatchers in any number of processes never take one delivery at once.
 */
import { eventFromRow, type EventRow, type StoredEvent } from './events.ts';
import type { Queryable } from './db.ts';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface ClaimedDelivery {
  id: number;
  endpoint: string;
  /** Attempts counted so far, this one included. */
  attempts: number;
  event: StoredEvent;
}

/**
 * Claims up to `limit` pending deliveries due at `now` to one of `endpoints`, oldest due first:
 * each gets `attempts + 1` and `next_attempt_at = leaseUntil`. One statement, so the claim is
 * its own short transaction.
 */
export async function claimDueDeliveries(
  db: Queryable,
  opts: { endpoints: readonly string[]; now: Date; leaseUntil: Date; limit: number },
): Promise<ClaimedDelivery[]> {
  if (opts.endpoints.length === 0 || opts.limit <= 0) return [];
  const { rows } = await db.query<EventRow & { delivery_id: number; endpoint: string; attempts: number }>(
    `WITH due AS (
       SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= $1::timestamptz AND endpoint = ANY($2::text[])
        ORDER BY next_attempt_at, id
        LIMIT $3
        FOR UPDATE SKIP LOCKED
     )
     UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = $4::timestamptz
       FROM due, events e
      WHERE d.id = due.id AND e.id = d.event_id
     RETURNING d.id AS delivery_id, d.endpoint, d.attempts, e.id, e.seq, e.type, e.question_id, e.lang, e.payload, e.occurred_at, e.run_id`,
    [opts.now, [...opts.endpoints], opts.limit, opts.leaseUntil],
  );
  return rows.map((r) => ({ id: Number(r.delivery_id), endpoint: r.endpoint, attempts: Number(r.attempts), event: eventFromRow(r) }));
}

export interface AttemptRecord {
  deliveryId: number;
  /** The delivery's attempt count when it was claimed for this attempt. */
  claimedAttempts: number;
  attemptedAt: Date;
  /** HTTP status; null when no response came (timeout, refused connection). */
  status: number | null;
  /** null for a success. */
  error: string | null;
  durationMs: number;
  /** What becomes of the delivery: delivered, tried again at `retryAt`, or failed for good. */
  outcome: { kind: 'delivered' } | { kind: 'retry'; retryAt: Date } | { kind: 'failed' };
}

/**
 * Records one attempt and its outcome in one statement. A success marks the delivery
 * delivered whoever holds it now; a failure reschedules it only while this attempt's claim is
 * still the latest (its lease may have run out and another dispatcher taken it: that one
 * decides).
 */
export async function recordAttempt(db: Queryable, a: AttemptRecord): Promise<void> {
  const status: DeliveryStatus = a.outcome.kind === 'retry' ? 'pending' : a.outcome.kind;
  await db.query(
    `WITH attempt AS (
       INSERT INTO webhook_attempts (delivery_id, attempted_at, status, error, duration_ms) VALUES ($1, $2, $3, $4, $5)
     )
     UPDATE webhook_deliveries
        SET status = $6::text,
            next_attempt_at = coalesce($7::timestamptz, next_attempt_at),
            last_attempt_at = $2, last_status = $3, last_error = $4,
            delivered_at = CASE WHEN $6::text = 'delivered' THEN $2::timestamptz ELSE delivered_at END
      WHERE id = $1 AND status = 'pending' AND ($6::text = 'delivered' OR attempts = $8)`,
    [a.deliveryId, a.attemptedAt, a.status, a.error, Math.round(a.durationMs), status, a.outcome.kind === 'retry' ? a.outcome.retryAt : null, a.claimedAttempts],
  );
}

export interface EndpointStats {
  endpoint: string;
  pending: number;
  delivered: number;
  failed: number;
  /** When the oldest pending delivery was created (its age is the receiver's lag). */
  oldestPendingAt: Date | null;
  /** The soonest next attempt of a pending delivery. */
  nextAttemptAt: Date | null;
  lastDeliveredAt: Date | null;
  lastError: { at: Date; status: number | null; message: string; eventId: string } | null;
}

/** Per endpoint that has deliveries: counts by status, the oldest pending, the last error. */
export async function webhookStats(db: Queryable): Promise<EndpointStats[]> {
  const { rows } = await db.query<{
    endpoint: string;
    pending: number;
    delivered: number;
    failed: number;
    oldest_pending_at: Date | null;
    next_attempt_at: Date | null;
    last_delivered_at: Date | null;
    error_at: Date | null;
    error_status: number | null;
    error: string | null;
    error_event_id: string | null;
  }>(
    `SELECT s.*, e.attempted_at AS error_at, e.status AS error_status, e.error, e.event_id AS error_event_id
       FROM (
         SELECT endpoint,
                count(*) FILTER (WHERE status = 'pending')::int AS pending,
                count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
                count(*) FILTER (WHERE status = 'failed')::int AS failed,
                min(created_at) FILTER (WHERE status = 'pending') AS oldest_pending_at,
                min(next_attempt_at) FILTER (WHERE status = 'pending') AS next_attempt_at,
                max(delivered_at) AS last_delivered_at
           FROM webhook_deliveries GROUP BY endpoint
       ) s
       LEFT JOIN LATERAL (
         SELECT a.attempted_at, a.status, a.error, d.event_id
           FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
          WHERE d.endpoint = s.endpoint AND a.error IS NOT NULL
          ORDER BY a.id DESC LIMIT 1
       ) e ON true
      ORDER BY s.endpoint`,
  );
  return rows.map((r) => ({
    endpoint: r.endpoint,
    pending: r.pending,
    delivered: r.delivered,
    failed: r.failed,
    oldestPendingAt: r.oldest_pending_at,
    nextAttemptAt: r.next_attempt_at,
    lastDeliveredAt: r.last_delivered_at,
    lastError: r.error_at && r.error !== null ? { at: r.error_at, status: r.error_status, message: r.error, eventId: r.error_event_id! } : null,
  }));
}

export interface Attempt {
  id: number;
  attemptedAt: Date;
  status: number | null;
  error: string | null;
  durationMs: number | null;
}

export interface Delivery {
  id: number;
  eventId: string;
  endpoint: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface DeliveryWithAttempts extends Delivery {
  attemptLog: Attempt[];
}

interface DeliveryRow {
  id: number;
  event_id: string;
  endpoint: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

function deliveryFromRow(r: DeliveryRow): Delivery {
  return {
    id: Number(r.id),
    eventId: r.event_id,
    endpoint: r.endpoint,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastAttemptAt: r.last_attempt_at,
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  };
}

/** An event (null when unknown) and each of its deliveries with every attempt, oldest first. */
export async function eventDeliveries(db: Queryable, eventId: string): Promise<{ event: StoredEvent; deliveries: DeliveryWithAttempts[] } | null> {
  const { rows: events } = await db.query<EventRow>('SELECT id, seq, type, question_id, lang, payload, occurred_at, run_id FROM events WHERE id = $1', [eventId]);
  if (!events[0]) return null;
  const { rows } = await db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE event_id = $1 ORDER BY id', [eventId]);
  const { rows: attempts } = await db.query<{ id: number; delivery_id: number; attempted_at: Date; status: number | null; error: string | null; duration_ms: number | null }>(
    `SELECT a.* FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.event_id = $1 ORDER BY a.id`,
    [eventId],
  );
  return {
    event: eventFromRow(events[0]),
    deliveries: rows.map((r) => ({
      ...deliveryFromRow(r),
      attemptLog: attempts
        .filter((a) => Number(a.delivery_id) === Number(r.id))
        .map((a) => ({ id: Number(a.id), attemptedAt: a.attempted_at, status: a.status, error: a.error, durationMs: a.duration_ms })),
    })),
  };
}

export async function getDelivery(db: Queryable, id: number): Promise<Delivery | null> {
  const { rows } = await db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = $1', [id]);
  return rows[0] ? deliveryFromRow(rows[0]) : null;
}

/**
 * Puts failed deliveries back to pending, due at `now`, with their attempt count reset (the
 * whole retry schedule applies again; the attempts already made stay in webhook_attempts).
 * `ids`: those (failed ones only); otherwise every failed delivery. Returns the ids put back.
 */
export async function retryFailedDeliveries(db: Queryable, opts: { ids?: readonly number[]; now?: Date }): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = coalesce($2::timestamptz, now())
      WHERE status = 'failed' AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))
      RETURNING id`,
    [opts.ids ? [...opts.ids] : null, opts.now ?? null],
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** Pending deliveries to `endpoints`: how many, and how many are due at `now`. */
export async function pendingDeliveries(db: Queryable, opts: { endpoints: readonly string[]; now: Date }): Promise<{ pending: number; due: number }> {
  const { rows } = await db.query<{ pending: number; due: number }>(
    `SELECT count(*)::int AS pending, count(*) FILTER (WHERE next_attempt_at <= $2::timestamptz)::int AS due
       FROM webhook_deliveries WHERE status = 'pending' AND endpoint = ANY($1::text[])`,
    [[...opts.endpoints], opts.now],
  );
  return rows[0] ?? { pending: 0, due: 0 };
}
