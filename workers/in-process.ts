/**
 * Runs jobs in this process, for the embedded default (no REDIS_URL): the same handlers,
 * the same run ledger, the same attempts with backoff, and the same politeness (the fetcher
 * carries the rate limit), with a bounded number of jobs at once.
 */
import { executeJob, FinalJobError, jobBackoffMs, jobKey, RetryJobError, type JobDeps, type JobRequest } from '../jobs/index.ts';
import { DbUnavailableError, waitForDb } from '../src/store/db-errors.ts';
import { pendingJobs, registerJobs } from '../src/store/run-jobs.ts';
import { coerceError } from '../src/util/errors.ts';

export interface InProcessOptions extends Omit<JobDeps, 'enqueue'> {
  concurrency: number;
  maxAttempts?: number;
  /** backoff before attempt n+1, in ms */
  backoffMs?: (attempt: number) => number;
}

interface Pending {
  job: JobRequest;
  attempt: number;
  readyAt: number;
}

export interface InProcessRunner {
  enqueue(runId: number, jobs: JobRequest[]): Promise<void>;
  /** Resolves when every queued job (and every job they queued) has finished. */
  drain(): Promise<void>;
  /** Stops taking jobs; aborts the ones running. Idempotent. */
  close(): Promise<void>;
}

export function createInProcessRunner(opts: InProcessOptions): InProcessRunner {
  const maxAttempts = opts.maxAttempts ?? 5;
  const backoff = opts.backoffMs ?? ((n: number) => jobBackoffMs(n));
  const queue: Pending[] = [];
  /** keys queued or running here: the ledger hands back unfinished jobs, which must not run twice at once */
  const live = new Set<string>();
  const abort = new AbortController();
  let active = 0;
  let closed = false;
  let idle: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let fatal: Error | null = null;
  /** while the database is away: no job starts, one probe loop runs */
  let dbWait: Promise<void> | null = null;
  /** the runs whose jobs run here, and how often reconcile() handed each job back */
  const runs = new Set<number>();
  const reconciled = new Map<string, number>();
  let reconciling = false;

  const deps: JobDeps = { ...opts, enqueue: (runId, jobs) => runner.enqueue(runId, jobs) };

  function settleIdle(): void {
    if (active > 0 || queue.length > 0 || dbWait || reconciling || idle.length === 0) return;
    if (!closed && runs.size > 0) {
      // Idle: before saying so, make sure the ledger agrees (see reconcile).
      reconciling = true;
      let released = false;
      void reconcile()
        .then((added) => {
          if (!added) {
            released = true;
            release();
          }
        })
        .catch((e: unknown) => (e instanceof DbUnavailableError ? waitForDatabase(e) : fail(coerceError(e))))
        .finally(() => {
          reconciling = false;
          pump();
          if (!released) settleIdle();
        });
      return;
    }
    release();
  }

  function release(): void {
    const waiting = idle;
    idle = [];
    for (const w of waiting) (fatal ? w.reject(fatal) : w.resolve());
  }

  /**
   * The ledger is the truth: a job registered by an attempt that then failed (the database went
   * away after the commit) may never have reached this queue, and its run would never end.
   * Queues the unfinished ledger jobs of this runner's runs that are not here; true when any was.
   * A job handed back more than 3 times is left (it would fail the same way again).
   */
  async function reconcile(): Promise<boolean> {
    let added = false;
    for (const runId of runs) {
      for (const p of await pendingJobs(opts.db, runId)) {
        const key = `${runId}/${p.key}`;
        const n = (reconciled.get(key) ?? 0) + 1;
        if (live.has(key) || n > 3) continue;
        reconciled.set(key, n);
        live.add(key);
        queue.push({ job: { kind: p.kind, data: p.data } as JobRequest, attempt: 1, readyAt: 0 });
        added = true;
      }
    }
    if (added) opts.logger.warn({ jobs: queue.length }, 'unfinished jobs of the run ledger were not queued here: queued them');
    return added;
  }

  /** Stops for good: drain() rejects with `err` once the running jobs are out. */
  function fail(err: Error): void {
    fatal ??= err;
    closed = true;
    queue.length = 0;
    abort.abort(fatal);
  }

  /** The database is away: hold every job until a probe answers (an outage is nobody's attempt). */
  function waitForDatabase(err: DbUnavailableError): void {
    if (dbWait || closed) return;
    opts.logger.warn({ err: err.message }, 'the database is unavailable: no job starts until it answers');
    dbWait = waitForDb(opts.db, {
      signal: abort.signal,
      onWait: ({ attempt, delayMs }) => opts.logger.warn({ attempt, delayMs }, 'the database is still unavailable; probing again'),
    })
      .then(() => opts.logger.info('the database answers again: resuming jobs'))
      .catch((e: unknown) => {
        if (!closed) fail(coerceError(e));
      })
      .finally(() => {
        dbWait = null;
        pump();
        settleIdle();
      });
  }

  function pump(): void {
    if (closed || dbWait) return;
    const now = Date.now();
    while (active < opts.concurrency) {
      const i = queue.findIndex((p) => p.readyAt <= now);
      if (i < 0) break;
      const [next] = queue.splice(i, 1);
      active++;
      void run(next!).finally(() => {
        active--;
        pump();
        settleIdle();
      });
    }
    if (timer) clearTimeout(timer);
    timer = null;
    if (queue.length > 0 && active < opts.concurrency) {
      const wait = Math.max(0, Math.min(...queue.map((p) => p.readyAt)) - now);
      timer = setTimeout(pump, wait);
    }
  }

  async function run(p: Pending): Promise<void> {
    const liveKey = `${p.job.data.runId}/${jobKey(p.job)}`;
    try {
      await executeJob(deps, { job: p.job, attempt: p.attempt, maxAttempts, signal: abort.signal, jobId: jobKey(p.job) });
    } catch (e) {
      if (e instanceof RetryJobError) {
        queue.push({ job: p.job, attempt: p.attempt + 1, readyAt: Date.now() + Math.max(backoff(p.attempt), e.retryAfterMs ?? 0) });
        return;
      } else if (e instanceof DbUnavailableError && !closed) {
        // The same attempt again once the database is back.
        queue.push({ ...p, readyAt: 0 });
        waitForDatabase(e);
        return;
      } else if (!(e instanceof FinalJobError) && !closed) {
        // The store itself failed (not the Senate): stop rather than lose track of the run.
        fail(coerceError(e));
      }
    }
    live.delete(liveKey);
  }

  const runner: InProcessRunner = {
    async enqueue(runId, jobs) {
      runs.add(runId);
      const specs = await registerJobs(opts.db, runId, jobs.map((j) => ({ key: jobKey(j), kind: j.kind, data: j.data })));
      const wanted = new Set(specs.map((s) => s.key));
      for (const job of jobs) {
        const key = `${runId}/${jobKey(job)}`;
        if (wanted.delete(jobKey(job)) && !live.has(key)) {
          live.add(key);
          queue.push({ job, attempt: 1, readyAt: 0 });
        }
      }
      pump();
    },
    drain() {
      return new Promise<void>((resolve, reject) => {
        idle.push({ resolve, reject });
        settleIdle();
      });
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (!abort.signal.aborted) abort.abort(new Error('runner closed'));
      queue.length = 0;
      settleIdle();
    },
  };
  return runner;
}
