/**
 * The ledger of a run's jobs. Registering is idempotent per (run, key); completing counts
 * once. Together they let any runner (BullMQ or in-process) know when a run has ended, and
 * keep a job whose worker died from being either lost or counted twice.
 */
import type { Db } from './db.ts';
import { addToRun, counterIncrements, finishRun, type RunCounters, type RunStatus } from './runs.ts';

export interface JobSpec {
  key: string;
  kind: string;
  data: unknown;
}

/**
 * Registers jobs for a run. Returns the ones that still need to be queued: new ones, and
 * ones registered before but never finished (their queue entry may have been lost with a
 * crashed worker; queues dedupe by key, so queueing them again is harmless).
 */
export async function registerJobs(db: Db, runId: number, jobs: readonly JobSpec[]): Promise<JobSpec[]> {
  if (jobs.length === 0) return [];
  const unique = [...new Map(jobs.map((j) => [j.key, j])).values()];
  return db.transaction(async (tx) => {
    const inserted = await tx.query<{ key: string }>(
      `INSERT INTO run_jobs (run_id, key, kind, data)
       SELECT $1, k, kind, d FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS s(k, kind, d)
       ON CONFLICT (run_id, key) DO NOTHING RETURNING key`,
      [runId, unique.map((j) => j.key), unique.map((j) => j.kind), unique.map((j) => JSON.stringify(j.data))],
    );
    if (inserted.rowCount > 0) {
      await tx.query('UPDATE crawl_runs SET jobs_total = jobs_total + $2 WHERE id = $1', [runId, inserted.rowCount]);
    }
    const fresh = new Set(inserted.rows.map((r) => r.key));
    const stale = await tx.query<{ key: string }>(
      `SELECT key FROM run_jobs WHERE run_id = $1 AND key = ANY($2::text[]) AND finished_at IS NULL`,
      [runId, unique.filter((j) => !fresh.has(j.key)).map((j) => j.key)],
    );
    const requeue = new Set([...fresh, ...stale.rows.map((r) => r.key)]);
    return unique.filter((j) => requeue.has(j.key));
  });
}

export interface CompleteResult {
  /** false when this job had already been completed (a re-run after a crash). */
  counted: boolean;
  /** true when this completion ended the run. */
  runFinished: boolean;
  status: RunStatus | null;
}


/** Marks a job finished, adds its counters once, and ends the run when it was the last job. */
export async function completeJob(
  db: Db,
  runId: number,
  key: string,
  outcome: string,
  counters: Partial<RunCounters>,
): Promise<CompleteResult> {
  return db.transaction(async (tx) => {
    const params: unknown[] = [runId, key, outcome];
    // The job counts itself done, once; what it reports cannot move the job totals.
    const sets = ['jobs_done = jobs_done + 1', ...counterIncrements({ ...counters, jobsDone: 0, jobsTotal: 0 }, params)];
    // One round trip for the job and its run: the run's counters move only when the job's row did.
    const { rows: [marked] } = await tx.query<{ done: number; jobs_done: number | null; jobs_total: number | null; questions_failed: number | null; status: RunStatus | null }>(
      `WITH done AS (
         UPDATE run_jobs SET finished_at = now(), outcome = $3 WHERE run_id = $1 AND key = $2 AND finished_at IS NULL RETURNING 1
       ), run AS (
         UPDATE crawl_runs SET ${sets.join(', ')} WHERE id = $1 AND EXISTS (SELECT 1 FROM done)
         RETURNING jobs_done, jobs_total, questions_failed, status
       )
       SELECT (SELECT count(*)::int FROM done) AS done, run.* FROM (SELECT 1) AS one LEFT JOIN run ON true`,
      params,
    );
    if (!marked || marked.done === 0) return { counted: false, runFinished: false, status: null };
    // status is null when the run's row is gone: counted, nothing to finish.
    if (marked.status !== 'running' || marked.jobs_done! < marked.jobs_total!) return { counted: true, runFinished: false, status: null };
    const r = { questions_failed: marked.questions_failed ?? 0 };
    const failures = await tx.query<{ kind: string; key: string; outcome: string; n: number }>(
      `SELECT kind, key, outcome, count(*) OVER ()::int AS n FROM run_jobs WHERE run_id = $1 AND outcome LIKE 'failed%'
        ORDER BY kind = 'discover' DESC, finished_at LIMIT 20`,
      [runId],
    );
    // A discovery that failed means the run could not see what to fetch: the run failed.
    const discoveryFailed = failures.rows.find((f) => f.kind === 'discover');
    const status: RunStatus = discoveryFailed ? 'failed' : r.questions_failed > 0 || failures.rowCount > 0 ? 'partial' : 'succeeded';
    await finishRun(tx, runId, status, discoveryFailed?.outcome ?? (status === 'partial' ? partialReason(failures.rows) : null));
    return { counted: true, runFinished: true, status };
  });
}

/**
 * Why a run is partial, in a line: how many jobs failed and the first of them by key (the
 * ledger keeps every one): `2 job(s) failed: q-8-3 (failed: nl: held back, …); q-8-7 (…)`.
 */
function partialReason(failed: readonly { key: string; outcome: string; n: number }[]): string | null {
  if (failed.length === 0) return null;
  const shown = failed.slice(0, 3).map((f) => `${f.key} (${f.outcome.length > 140 ? `${f.outcome.slice(0, 137)}...` : f.outcome})`);
  return `${failed[0]!.n} job(s) failed: ${shown.join('; ')}${failed[0]!.n > shown.length ? '; ...' : ''}`;
}

/** Counters of an attempt that failed and will be retried (its requests still happened). */
export async function addAttemptCounters(db: Db, runId: number, counters: Partial<RunCounters>): Promise<void> {
  const { requests, notModified, bytes } = counters;
  await addToRun(db, runId, { requests, notModified, bytes });
}

/** Jobs of a run not finished yet (a stalled fleet can be inspected with this). */
export async function pendingJobs(db: Db, runId: number): Promise<JobSpec[]> {
  const { rows } = await db.query<{ key: string; kind: string; data: unknown }>(
    'SELECT key, kind, data FROM run_jobs WHERE run_id = $1 AND finished_at IS NULL ORDER BY created_at, key',
    [runId],
  );
  return rows;
}

/** Has this job of the run finished (done, failed, or cancelled with its run)? An unknown job counts as not finished. */
export async function isJobFinished(db: Db, runId: number, key: string): Promise<boolean> {
  const { rows } = await db.query<{ finished: boolean }>('SELECT finished_at IS NOT NULL AS finished FROM run_jobs WHERE run_id = $1 AND key = $2', [runId, key]);
  return rows[0]?.finished ?? false;
}
