/**
 * The database being away (refused, restarting, connection cut, the embedded database
 * closed) is not the job's fault: it is classed here, once, as DbUnavailableError, which
 * the job layer never counts as an attempt (the runner waits for the database instead), and
 * which src/crawl/errors.ts's isRetryable calls transient. Classified by errno and SQLSTATE
 * the way graphile/worker does, and by pg's messages where pg gives no code.
 */
import type { Queryable } from './db.ts';
import { sleep } from '../util/sleep.ts';

/** PostgreSQL (or the embedded database) cannot be reached right now; try again later. */
export class DbUnavailableError extends Error {
  override readonly name = 'DbUnavailableError';
  constructor(
    /** errno or SQLSTATE of the underlying failure, when it had one */
    readonly code: string | null,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Socket errnos and SQLSTATEs of a server that is away or going away: class 08 (connection
 * exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting
 * up, shutting down), 53300 too_many_connections.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300',
]);

/** pg's own errors carry no code. */
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /timeout exceeded when trying to connect/i,
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i,
  /terminating connection due to administrator command/i,
  /server closed the connection unexpectedly/i,
  /PGlite is closed/i,
];

/**
 * Classifies an error thrown by pg or PGlite: a DbUnavailableError when the database is away,
 * `err` unchanged otherwise. Only for errors of the database driver (db.ts wraps every query
 * with it): a socket errno alone says nothing about which server failed.
 */
export function classifyDbError(err: unknown): unknown {
  return asDbUnavailable(err) ?? err;
}

function asDbUnavailable(err: unknown): DbUnavailableError | null {
  if (err instanceof DbUnavailableError) return err;
  const found = unavailableCause(err, 0);
  if (!found) return null;
  const code = (found as { code?: unknown }).code;
  return new DbUnavailableError(typeof code === 'string' ? code : null, `the database is unavailable (DATABASE_URL): ${found.message || String(code)}`, { cause: err });
}

/** The error in `err`'s chain (causes, an AggregateError's errors) that says the database is away. */
function unavailableCause(err: unknown, depth: number): Error | null {
  if (!(err instanceof Error) || depth > 5) return null;
  const code = (err as { code?: unknown }).code;
  if ((typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || UNAVAILABLE_MESSAGES.some((re) => re.test(err.message))) return err;
  // Node's happy-eyeballs connect throws an AggregateError of one error per address.
  if (err instanceof AggregateError) {
    for (const e of err.errors) {
      const found = unavailableCause(e, depth + 1);
      if (found) return found;
    }
  }
  return unavailableCause(err.cause, depth + 1);
}

/**
 * The DbUnavailableError in `err`'s chain of causes (and in `failures`, one per language, of a
 * job that fetched two pages), or null when the database is not the problem.
 */
export function findDbUnavailable(err: unknown, depth = 0): DbUnavailableError | null {
  if (!(err instanceof Error) || depth > 5) return null;
  if (err instanceof DbUnavailableError) return err;
  const failures = (err as { failures?: unknown }).failures;
  if (failures && typeof failures === 'object') {
    for (const f of Object.values(failures as Record<string, unknown>)) {
      const found = findDbUnavailable(f, depth + 1);
      if (found) return found;
    }
  }
  return findDbUnavailable(err.cause, depth + 1);
}

/** Is `err` (or what it wraps) the database being away? */
export function isDbUnavailable(err: unknown): boolean {
  return findDbUnavailable(err) !== null;
}

export interface WaitForDbOptions {
  /** first wait between probes, ms (default 500); it grows by half each time */
  initialDelayMs?: number;
  /**
   * longest wait between probes, ms. Default 15 s: a probe is one `SELECT 1`, and a worker
   * should be back at work soon after the database is.
   */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** told before each wait (for one log line per step) */
  onWait?(info: { attempt: number; delayMs: number; error: DbUnavailableError }): void;
}

/**
 * Probes the database (`SELECT 1`) until it answers: resolves then. Rejects at once with an
 * error that is not the database being away, or when `signal` aborts.
 */
export async function waitForDb(db: Pick<Queryable, 'query'>, opts: WaitForDbOptions = {}): Promise<void> {
  let delay = opts.initialDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 15_000;
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      await db.query('SELECT 1');
      return;
    } catch (e) {
      const unavailable = findDbUnavailable(classifyDbError(e));
      if (!unavailable) throw e;
      opts.onWait?.({ attempt, delayMs: delay, error: unavailable });
    }
    await sleep(delay, opts.signal);
    delay = Math.min(max, Math.round(delay * 1.5));
  }
}
