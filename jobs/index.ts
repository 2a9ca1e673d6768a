/**
 * The job registry and the one way a job is executed, whatever runs it (a BullMQ worker or
 * the in-process runner): build the context, run the handler, decide retry or final
 * failure, and count the job once in its run.
 */
import type { Config } from '../config/index.ts';
import { CircuitOpenError, SenateUnreachableError, isRetryable, retryAfterMs } from '../src/crawl/errors.ts';
import type { Fetcher } from '../src/crawl/fetcher.ts';
import type { Db } from '../src/store/db.ts';
import { isTransientDbError } from '../src/store/db.ts';
import { findDbUnavailable } from '../src/store/db-errors.ts';
import { addAttemptCounters, completeJob, isJobFinished } from '../src/store/run-jobs.ts';
import { finishRun } from '../src/store/runs.ts';
import { coerceError } from '../src/util/errors.ts';
import type { Logger } from '../src/util/logger.ts';
import { discover } from './discover.ts';
import { fetchQuestion, LanguageFetchError } from './fetch-question.ts';
import { judgeRun } from './judge-run.ts';
import { countersOf, jobKey, type Handler, type JobKind, type JobRequest, type JobResult } from './types.ts';

export { jobKey, JOB_KINDS, type JobKind, type JobRequest, type JobResult } from './types.ts';

export const HANDLERS: { [K in JobKind]: Handler<K> } = {
  discover,
  'fetch-question': fetchQuestion,
};

export interface JobDeps {
  config: Config;
  db: Db;
  fetcher: Fetcher;
  logger: Logger;
  /** Registers and queues jobs of a run (idempotent per key). */
  enqueue(runId: number, jobs: JobRequest[]): Promise<void>;
}

export interface JobAttempt {
  job: JobRequest;
  attempt: number;
  maxAttempts: number;
  signal: AbortSignal;
  /** for log lines */
  jobId?: string;
}

/** Thrown when a job should be tried again later; not before `retryAfterMs` when the Senate said so. */
export class RetryJobError extends Error {
  override readonly name = 'RetryJobError';
  constructor(
    message: string,
    readonly retryAfterMs: number | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** How long the Senate asked us to wait (Retry-After, an open circuit), over every failure of a job. */
export function jobRetryAfterMs(err: unknown): number | null {
  const causes = err instanceof LanguageFetchError ? Object.values(err.failures) : [err];
  const waits = causes.map((c) => retryAfterMs(c)).filter((w): w is number => w !== null);
  return waits.length > 0 ? Math.max(...waits) : null;
}

/** Backoff before the next attempt of a job: exponential with jitter, never shorter than the Senate asked. */
export function jobBackoffMs(attemptsMade: number, err?: unknown): number {
  const base = Math.min(300_000, 2_000 * 2 ** Math.max(0, attemptsMade - 1)) * (0.5 + Math.random() / 2);
  const asked = err instanceof RetryJobError ? err.retryAfterMs : null;
  return Math.max(base, asked ?? 0);
}

/** Thrown when a job failed for good (it has been counted in its run). */
export class FinalJobError extends Error {
  override readonly name = 'FinalJobError';
}

/** Thrown when the worker is shutting down: the job goes back to the queue as it was. */
export class ShutdownError extends Error {
  override readonly name = 'ShutdownError';
}

/** The one place that decides whether a failed job is worth another attempt. */
export function isRetryableJobError(err: unknown): boolean {
  if (err instanceof LanguageFetchError) return err.retryable;
  if (err instanceof CircuitOpenError) return true;
  return isRetryable(err) || isTransientDbError(err);
}

/**
 * Runs one attempt of a job. Throws RetryJobError (try again after a backoff), FinalJobError
 * (failed for good, counted in its run), ShutdownError (interrupted: back to the queue as it
 * was), or DbUnavailableError: the database is away, which is no attempt of the job; the
 * runner holds the job and waits for the database (nothing could be recorded meanwhile).
 */
export async function executeJob(deps: JobDeps, a: JobAttempt): Promise<JobResult> {
  const { job } = a;
  const runId = job.data.runId;
  const key = jobKey(job);
  const logger = deps.logger.child({ jobId: a.jobId ?? key, kind: job.kind, runId, attempt: a.attempt });
  const ctx = {
    config: deps.config,
    db: deps.db,
    fetcher: deps.fetcher,
    logger,
    signal: a.signal,
    attempt: a.attempt,
    maxAttempts: a.maxAttempts,
    enqueue: (jobs: JobRequest[]) => deps.enqueue(runId, jobs),
  };
  // Queued again (by the reaper, a join) after it was done, or its run was cancelled: nothing to do.
  if (await isJobFinished(deps.db, runId, key)) return { outcome: 'already finished', counters: {} };
  let result: JobResult;
  try {
    result = await (HANDLERS[job.kind] as Handler<typeof job.kind>)(ctx, job.data as never);
  } catch (e) {
    const err = coerceError(e);
    if (a.signal.aborted) throw new ShutdownError(`${key}: interrupted by shutdown`, { cause: err });
    const unavailable = findDbUnavailable(err);
    if (unavailable) throw unavailable;
    const attemptCounters = countersOf(err);
    if (isRetryableJobError(err) && a.attempt < a.maxAttempts) {
      logger.warn({ err: err.message }, 'attempt failed; will retry');
      await addAttemptCounters(deps.db, runId, attemptCounters);
      throw new RetryJobError(err.message, jobRetryAfterMs(err), { cause: err });
    }
    logger.error({ err }, 'job failed');
    // The Senate stayed unreachable past SENATE_GIVE_UP_MS: the whole run failed, for that reason.
    const unreachable = err instanceof SenateUnreachableError ? err : err instanceof LanguageFetchError ? Object.values(err.failures).find((f) => f instanceof SenateUnreachableError) : undefined;
    if (unreachable) await finishRun(deps.db, runId, 'failed', unreachable.message.slice(0, 500));
    await completeJob(deps.db, runId, key, `failed: ${err.message}`.slice(0, 500), {
      ...attemptCounters,
      questionsFailed: job.kind === 'fetch-question' ? 1 : 0,
    });
    throw new FinalJobError(err.message, { cause: err });
  }
  // A handler that gave up because it was interrupted (its fetches aborted) failed nothing: the
  // job goes back as it was (fleet) or counts as cancelled with its run (in-process).
  if (a.signal.aborted) throw new ShutdownError(`${key}: interrupted by shutdown (${result.outcome})`);
  const done = await completeJob(deps.db, runId, key, result.outcome, result.counters);
  if (done.runFinished) {
    logger.info({ status: done.status }, 'run finished');
    // The run is over whatever the judge says; a judge that fails is logged, never fails the job.
    await judgeRun(deps, runId).catch((err: unknown) => logger.error({ err }, 'judging the run\'s health failed'));
  }
  return result;
}
