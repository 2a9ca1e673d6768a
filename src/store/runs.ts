/** crawl_runs: one row per run, with its counts and outcome. Counters are added atomically by any worker. */
import type { Queryable } from './db.ts';

export type RunKind = 'crawl' | 'recrawl' | 'reparse';
export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';

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
    ...counters,
  };
}

/**
 * In-process runs whose process is gone (killed before it could close the run) are marked
 * cancelled, so that `runs` and monitoring never show a dead run as running. Only runs of
 * this host are judged: a pid means nothing elsewhere.
 */
export async function cancelDeadInProcessRuns(db: Queryable, host: string, isAlive: (pid: number) => boolean): Promise<number[]> {
  const { rows } = await db.query<{ id: number; pid: number }>(
    `SELECT id, (options->>'pid')::int AS pid FROM crawl_runs
      WHERE status = 'running' AND options->>'runner' = 'in-process' AND options->>'host' = $1`,
    [host],
  );
  const dead = rows.filter((r) => !isAlive(r.pid)).map((r) => r.id);
  for (const id of dead) await finishRun(db, id, 'cancelled', 'its process ended without closing the run');
  return dead;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
