/**
 * The ledger side of keeping runs from staying `running` for ever: which fleet jobs the
 * reaper should look at, counting a job's requeues (and failing the ones that keep
 * vanishing), and cancelling a run by hand (`runs cancel`).
 */
import type { Db } from './db.ts';
import { completeJob, type JobSpec } from './run-jobs.ts';
import { finishRun, getRun, type CrawlRun } from './runs.ts';

/** Running runs whose jobs are on the BullMQ fleet (not in-process: those die with their process). */
export async function runningFleetRuns(db: Db): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM crawl_runs WHERE status = 'running' AND coalesce(options->>'runner', 'bullmq') <> 'in-process' ORDER BY id`,
  );
  return rows.map((r) => r.id);
}

export interface LedgerJob extends JobSpec {
  requeues: number;
}

/**
 * Unfinished jobs of a run registered at least `minAgeMs` ago: younger ones may be between
 * the ledger and the queue (registerJobs, then add) and are left alone.
 */
export async function unfinishedJobs(db: Db, runId: number, minAgeMs: number): Promise<LedgerJob[]> {
  const { rows } = await db.query<LedgerJob>(
    `SELECT key, kind, data, requeues FROM run_jobs
      WHERE run_id = $1 AND finished_at IS NULL AND created_at <= now() - make_interval(secs => $2::float8 / 1000)
      ORDER BY created_at, key`,
    [runId, minAgeMs],
  );
  return rows;
}

export interface RequeueDecision {
  /** to queue again (their requeue counted) */
  requeue: string[];
  /** failed for good: they were queued again `maxRequeues` times already */
  failed: string[];
}

/**
 * Counts one requeue of each job still unfinished; a job already requeued `maxRequeues` times
 * is completed as failed instead, with the reason (its run then ends partial or failed).
 */
export async function recordRequeues(db: Db, runId: number, jobs: readonly LedgerJob[], maxRequeues: number): Promise<RequeueDecision> {
  if (jobs.length === 0) return { requeue: [], failed: [] };
  const { rows } = await db.query<{ key: string }>(
    `UPDATE run_jobs SET requeues = requeues + 1
      WHERE run_id = $1 AND key = ANY($2::text[]) AND finished_at IS NULL AND requeues < $3
      RETURNING key`,
    [runId, jobs.map((j) => j.key), maxRequeues],
  );
  const requeue = rows.map((r) => r.key);
  const counted = new Set(requeue);
  const failed: string[] = [];
  for (const job of jobs.filter((j) => !counted.has(j.key) && j.requeues >= maxRequeues)) {
    const reason = `failed: its queue entry was lost ${maxRequeues} times (Redis emptied or the job abandoned); not queued again`;
    const done = await completeJob(db, runId, job.key, reason, { questionsFailed: job.kind === 'fetch-question' ? 1 : 0 });
    if (done.counted) failed.push(job.key);
  }
  return { requeue, failed };
}

export type CancelOutcome =
  | { found: false }
  | { found: true; alreadyEnded: true; run: CrawlRun }
  | { found: true; alreadyEnded: false; run: CrawlRun; jobsCancelled: number };

/**
 * Ends a run as cancelled: its unfinished jobs are finished with the outcome `cancelled` (a
 * worker that takes one later skips it), and the run gets `reason`. A run that has ended is
 * left as it is.
 */
export async function cancelRun(db: Db, runId: number, reason: string): Promise<CancelOutcome> {
  const outcome = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: string }>('SELECT status FROM crawl_runs WHERE id = $1 FOR UPDATE', [runId]);
    if (!rows[0]) return null;
    if (rows[0].status !== 'running') return { alreadyEnded: true as const, jobsCancelled: 0 };
    const jobs = await tx.query(`UPDATE run_jobs SET finished_at = now(), outcome = 'cancelled' WHERE run_id = $1 AND finished_at IS NULL`, [runId]);
    await finishRun(tx, runId, 'cancelled', reason);
    return { alreadyEnded: false as const, jobsCancelled: jobs.rowCount };
  });
  if (!outcome) return { found: false };
  const run = (await getRun(db, runId))!;
  return outcome.alreadyEnded ? { found: true, alreadyEnded: true, run } : { found: true, alreadyEnded: false, run, jobsCancelled: outcome.jobsCancelled };
}
