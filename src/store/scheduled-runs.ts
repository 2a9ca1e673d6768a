/**
 * Runs started by a schedule (the nightly crawl, the answer watch) and by `recrawl`. A scheduled
 * run names its schedule and due time; the unique index crawl_runs_schedule_due makes it one run
 * per due time however many workers saw it come due, however often `schedule` was run. A due
 * time that finds the previous run still going is recorded as a 'skipped' run, never a second one.
 */
import type { Db, Queryable } from './db.ts';
import { findLiveRun, finishRun, insertFirstJobs, lockAdmission, type RunKind, type RunningCrawl } from './runs.ts';

export interface JobRow {
  key: string;
  kind: string;
  data: unknown;
}

export interface ScheduledRunSpec {
  kind: 'crawl' | 'watch';
  scheduleId: string;
  scheduledFor: Date;
  mode: 'incremental' | 'full';
  legislatures: number[];
  options: Record<string, unknown>;
  /** live runs of these kinds (of an overlapping legislature, for a crawl) make this due time skipped */
  blockedBy: readonly RunKind[];
  /** the run's first jobs (given its id), written to its ledger with the run */
  jobs: (runId: number) => readonly JobRow[];
}

export type ScheduledAdmission =
  | { outcome: 'started'; runId: number; jobs: number }
  /** this due time already has its run (another worker, a restart, a second upsert) */
  | { outcome: 'duplicate'; runId: number }
  | { outcome: 'skipped'; runId: number; running: RunningCrawl };

/** Starts the run of one due time of a schedule, once; see the file comment. */
export async function admitScheduledRun(db: Db, spec: ScheduledRunSpec): Promise<ScheduledAdmission> {
  return db.transaction(async (tx) => {
    await lockAdmission(tx);
    const { rows: [existing] } = await tx.query<{ id: number }>(
      'SELECT id FROM crawl_runs WHERE schedule_id = $1 AND scheduled_for = $2::timestamptz',
      [spec.scheduleId, spec.scheduledFor],
    );
    if (existing) return { outcome: 'duplicate', runId: Number(existing.id) };
    const running = await findLiveRun(tx, spec.blockedBy, spec.kind === 'crawl' ? spec.legislatures : null);
    const insert = async (status: 'running' | 'skipped', error: string | null) => {
      // ON CONFLICT: the advisory lock already serialises admissions; the index is the last word.
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO crawl_runs (kind, mode, legislatures, options, schedule_id, scheduled_for, status, error, finished_at)
         VALUES ($1, $2, $3::int[], $4::jsonb, $5, $6::timestamptz, $7, $8, CASE WHEN $7 = 'skipped' THEN now() END)
         ON CONFLICT (schedule_id, scheduled_for) WHERE schedule_id IS NOT NULL DO NOTHING
         RETURNING id`,
        [spec.kind, spec.mode, spec.legislatures, JSON.stringify(spec.options), spec.scheduleId, spec.scheduledFor, status, error],
      );
      return rows[0] ? Number(rows[0].id) : null;
    };
    if (running) {
      const runId = await insert('skipped', `run ${running.run.id} (${running.run.kind}) was still running at this due time`);
      return runId === null ? { outcome: 'duplicate', runId: await dueRunId(tx, spec) } : { outcome: 'skipped', runId, running };
    }
    const runId = await insert('running', null);
    if (runId === null) return { outcome: 'duplicate', runId: await dueRunId(tx, spec) };
    const jobs = spec.jobs(runId);
    await insertFirstJobs(tx, runId, jobs);
    // Nothing to do (a watch with no candidate): the run ends now, no job will end it.
    if (jobs.length === 0) await finishRun(tx, runId, 'succeeded');
    return { outcome: 'started', runId, jobs: jobs.length };
  });
}

async function dueRunId(tx: Queryable, spec: ScheduledRunSpec): Promise<number> {
  const { rows } = await tx.query<{ id: number }>('SELECT id FROM crawl_runs WHERE schedule_id = $1 AND scheduled_for = $2::timestamptz', [spec.scheduleId, spec.scheduledFor]);
  return Number(rows[0]!.id);
}

/**
 * A run of kind 'recrawl' with its jobs in its ledger, in one transaction. Never refused: a
 * recrawl is a new run, so its job ids are new, and a question crawled a moment ago by
 * another run is fetched again.
 */
export async function createRecrawlRun(db: Db, opts: { legislatures: number[]; options: Record<string, unknown>; jobs: (runId: number) => readonly JobRow[] }): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO crawl_runs (kind, mode, legislatures, options) VALUES ('recrawl', 'full', $1::int[], $2::jsonb) RETURNING id`,
      [opts.legislatures, JSON.stringify(opts.options)],
    );
    const runId = Number(rows[0]!.id);
    await insertFirstJobs(tx, runId, opts.jobs(runId));
    return runId;
  });
}

/** The runs of one schedule, newest due time first (for `schedule --show` and tests). */
export async function scheduledRuns(db: Queryable, scheduleId: string, limit = 10): Promise<{ id: number; scheduledFor: Date; status: string; error: string | null }[]> {
  const { rows } = await db.query<{ id: number; scheduled_for: Date; status: string; error: string | null }>(
    'SELECT id, scheduled_for, status, error FROM crawl_runs WHERE schedule_id = $1 ORDER BY scheduled_for DESC, id DESC LIMIT $2',
    [scheduleId, limit],
  );
  return rows.map((r) => ({ id: Number(r.id), scheduledFor: r.scheduled_for, status: r.status, error: r.error }));
}
