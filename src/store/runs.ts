/** crawl_runs: one row per run, with its counts and outcome. Counters are added atomically by any worker. */
import type { Db, Queryable } from './db.ts';
import type { HealthReason, RunHealth } from './run-health.ts';

export type RunKind = 'crawl' | 'recrawl' | 'reparse' | 'watch';
/** 'skipped': a scheduled run whose due time found the previous one still going (it never ran). */
export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled' | 'skipped';

export interface RunCounters {
  jobsTotal: number;
  jobsDone: number;
  requests: number;
  notModified: number;
  bytes: number;
  questionsNew: number;
  questionsChanged: number;
  questionsUnchanged: number;
  questionsFailed: number;
}

export interface CrawlRun extends RunCounters {
  id: number;
  kind: RunKind;
  mode: 'incremental' | 'full';
  legislatures: number[];
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  durationMs: number | null;
  /** The run-health verdict (jobs/judge-run.ts); null until judged. */
  health: RunHealth | null;
  healthReasons: HealthReason[];
}

export const RUN_COUNTER_COLUMNS: Record<keyof RunCounters, string> = {
  jobsTotal: 'jobs_total',
  jobsDone: 'jobs_done',
  requests: 'requests',
  notModified: 'not_modified',
  bytes: 'bytes',
  questionsNew: 'questions_new',
  questionsChanged: 'questions_changed',
  questionsUnchanged: 'questions_unchanged',
  questionsFailed: 'questions_failed',
};

export async function createRun(
  db: Queryable,
  opts: { kind?: RunKind; mode?: 'incremental' | 'full'; legislatures: number[]; options?: Record<string, unknown> },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO crawl_runs (kind, mode, legislatures, options) VALUES ($1, $2, $3::int[], $4::jsonb) RETURNING id`,
    [opts.kind ?? 'crawl', opts.mode ?? 'incremental', opts.legislatures, JSON.stringify(opts.options ?? {})],
  );
  return rows[0]!.id;
}

/**
 * The SET clauses that add `delta` to a run's counters: `column = column + $n` for each
 * non-zero counter, its value pushed onto `params`. Additions, not assignments, so that any
 * number of workers can count into one run at once.
 */
export function counterIncrements(delta: Partial<RunCounters>, params: unknown[]): string[] {
  const sets: string[] = [];
  for (const [key, col] of Object.entries(RUN_COUNTER_COLUMNS) as [keyof RunCounters, string][]) {
    const v = delta[key];
    if (v) sets.push(`${col} = ${col} + $${params.push(v)}`);
  }
  return sets;
}

/** Adds to a run's counters (one statement, safe from any number of workers). */
export async function addToRun(db: Queryable, runId: number, delta: Partial<RunCounters>): Promise<void> {
  const params: unknown[] = [runId];
  const sets = counterIncrements(delta, params);
  if (sets.length === 0) return;
  await db.query(`UPDATE crawl_runs SET ${sets.join(', ')} WHERE id = $1`, params);
}

export async function finishRun(db: Queryable, runId: number, status: RunStatus, error?: string | null): Promise<void> {
  await db.query(
    `UPDATE crawl_runs SET status = $2, error = $3, finished_at = now() WHERE id = $1 AND finished_at IS NULL`,
    [runId, status, error ?? null],
  );
}

export async function getRun(db: Queryable, runId: number): Promise<CrawlRun | null> {
  const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM crawl_runs WHERE id = $1', [runId]);
  return rows[0] ? runFromRow(rows[0]) : null;
}

/** The most recent runs, newest first, in one query. */
export async function listRuns(db: Queryable, limit: number): Promise<CrawlRun[]> {
  const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM crawl_runs ORDER BY id DESC LIMIT $1', [limit]);
  return rows.map(runFromRow);
}

function runFromRow(r: Record<string, unknown>): CrawlRun {
  const started = r.started_at as Date;
  const finished = (r.finished_at as Date | null) ?? null;
  const counters = Object.fromEntries(Object.entries(RUN_COUNTER_COLUMNS).map(([k, col]) => [k, Number(r[col])])) as unknown as RunCounters;
  return {
    id: r.id as number,
    kind: r.kind as RunKind,
    mode: r.mode as 'incremental' | 'full',
    legislatures: r.legislatures as number[],
    status: r.status as RunStatus,
    startedAt: started,
    finishedAt: finished,
    error: (r.error as string | null) ?? null,
    durationMs: finished ? finished.getTime() - started.getTime() : null,
    health: (r.health as RunHealth | null | undefined) ?? null,
    healthReasons: (r.health_reasons as HealthReason[] | undefined) ?? [],
    ...counters,
  };
}

/**
 * In-process runs whose process is gone (killed before it could close the run) are marked
 * cancelled, so that `runs` and monitoring never show a dead run as running. Only runs of
 * this host are judged: a pid means nothing elsewhere. With `exclusive` (the embedded
 * database, locked to this process), an in-process run of any other process is dead, whatever
 * its host.
 */
export async function cancelDeadInProcessRuns(
  db: Queryable,
  host: string,
  isAlive: (pid: number) => boolean,
  opts: { exclusive?: boolean } = {},
): Promise<number[]> {
  const { rows } = await db.query<{ id: number; pid: number; host: string }>(
    `SELECT id, (options->>'pid')::int AS pid, options->>'host' AS host FROM crawl_runs
      WHERE status = 'running' AND options->>'runner' = 'in-process' AND (options->>'host' = $1 OR $2::boolean)`,
    [host, Boolean(opts.exclusive)],
  );
  const dead = rows.filter((r) => (opts.exclusive ? r.host !== host || r.pid !== process.pid : !isAlive(r.pid))).map((r) => r.id);
  for (const id of dead) await finishRun(db, id, 'cancelled', 'its process ended without closing the run');
  return dead;
}

/** A crawl run that is running, and who runs it. */
export interface RunningCrawl {
  run: CrawlRun;
  runner: 'in-process' | 'bullmq';
  /** the host and pid of an in-process run */
  host: string | null;
  pid: number | null;
}

export type CrawlAdmission = { admitted: true; runId: number } | { admitted: false; running: RunningCrawl };

export interface CrawlRunSpec {
  mode: 'incremental' | 'full';
  legislatures: number[];
  options: Record<string, unknown>;
  /** the run's first jobs (given its id), written to its ledger with the run */
  jobs: (runId: number) => readonly { key: string; kind: string; data: unknown }[];
}

/**
 * Starts a crawl run unless a live crawl run of an overlapping legislature is running, which
 * is returned instead. Atomic: under a per-schema advisory lock, two crawls asked for at the
 * same instant cannot both start. Live means running, and for a fleet run also having
 * unfinished jobs in its ledger; an in-process run is live while its process is (cancel the
 * dead ones first: cancelDeadInProcessRuns). The run's first jobs go into its ledger in the
 * same transaction, so a fleet run is never seen without jobs; queueing them afterwards
 * (registerJobs) finds them registered and unfinished, and queues them.
 */
export async function admitCrawlRun(db: Db, spec: CrawlRunSpec): Promise<CrawlAdmission> {
  return db.transaction(async (tx) => {
    await lockAdmission(tx);
    const running = await findLiveRun(tx, ['crawl'], spec.legislatures);
    if (running) return { admitted: false, running };
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO crawl_runs (kind, mode, legislatures, options) VALUES ('crawl', $1, $2::int[], $3::jsonb) RETURNING id`,
      [spec.mode, spec.legislatures, JSON.stringify(spec.options)],
    );
    const runId = rows[0]!.id;
    await insertFirstJobs(tx, runId, spec.jobs(runId));
    return { admitted: true, runId };
  });
}

/** Serialises run admissions of this schema (crawls, scheduled runs) until the transaction ends. */
export async function lockAdmission(tx: Queryable): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('senate-questions:admit-crawl:' || coalesce(current_schema(), ''))::bigint)`);
}

/**
 * The oldest live run of one of `kinds` (of a legislature in `legislatures`, unless null): running,
 * and for a fleet run also having unfinished jobs in its ledger; an in-process run is live while
 * its process is (cancelDeadInProcessRuns).
 */
export async function findLiveRun(tx: Queryable, kinds: readonly RunKind[], legislatures: readonly number[] | null): Promise<RunningCrawl | null> {
  const { rows: [live] } = await tx.query<{ id: number; runner: string | null; host: string | null; pid: number | null }>(
    `SELECT r.id, r.options->>'runner' AS runner, r.options->>'host' AS host, (r.options->>'pid')::int AS pid
       FROM crawl_runs r
      WHERE r.status = 'running' AND r.kind = ANY($2::text[]) AND ($1::int[] IS NULL OR r.legislatures && $1::int[])
        AND (r.options->>'runner' = 'in-process'
             OR EXISTS (SELECT 1 FROM run_jobs j WHERE j.run_id = r.id AND j.finished_at IS NULL))
      ORDER BY r.id
      LIMIT 1`,
    [legislatures, kinds],
  );
  if (!live) return null;
  const run = (await getRun(tx, live.id))!;
  const inProcess = live.runner === 'in-process';
  return { run, runner: inProcess ? 'in-process' : 'bullmq', host: inProcess ? live.host : null, pid: inProcess ? live.pid : null };
}

/** Writes a new run's first jobs to its ledger and sets its job total. */
export async function insertFirstJobs(tx: Queryable, runId: number, jobs: readonly { key: string; kind: string; data: unknown }[]): Promise<void> {
  if (jobs.length === 0) return;
  await tx.query(
    `WITH j AS (
       INSERT INTO run_jobs (run_id, key, kind, data)
       SELECT $1, k, kind, d FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS s(k, kind, d)
       ON CONFLICT (run_id, key) DO NOTHING RETURNING 1
     )
     UPDATE crawl_runs SET jobs_total = (SELECT count(*) FROM j) WHERE id = $1`,
    [runId, jobs.map((j) => j.key), jobs.map((j) => j.kind), jobs.map((j) => JSON.stringify(j.data))],
  );
}
