/**
 * Wires BullMQ queues to the job handlers. One queue per job kind; any number of worker
 * processes on any number of machines share one Redis and one PostgreSQL. Politeness is not
 * BullMQ's limiter (it is per queue): the fetcher's Redis rate limiter is the fleet's one
 * budget. Completed and failed jobs are removed by age and count so Redis stays bounded;
 * job ids are `r{run}-{key}`, unique per run, so no job is dropped for an id used before.
 */
import { DelayedError, Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { executeJob, FinalJobError, jobBackoffMs, jobKey, JOB_KINDS, ShutdownError, type JobDeps, type JobKind, type JobRequest } from '../jobs/index.ts';
import { registerJobs } from '../src/store/run-jobs.ts';
import type { Db } from '../src/store/db.ts';
import { DbUnavailableError, waitForDb } from '../src/store/db-errors.ts';
import { coerceError } from '../src/util/errors.ts';
import { startReaper } from './reaper.ts';
import { closeRedis, redisConnection as fleetConnection } from './redis.ts';
import { startScheduleWorker } from './scheduler.ts';

export interface QueueOptions {
  prefix: string;
  attempts?: number;
}

export const DEFAULT_ATTEMPTS = 5;

/** Redis connection settings BullMQ needs for blocking commands (see redis.ts). */
export const redisConnection = fleetConnection;

/** A job put back while the database is away waits this long before any worker takes it again, ms. */
const DB_AWAY_DELAY_MS = 5_000;

export type Queues = Record<JobKind, Queue>;

export function createQueues(connection: Redis, opts: QueueOptions): Queues {
  const defaultJobOptions = {
    attempts: opts.attempts ?? DEFAULT_ATTEMPTS,
    // jobBackoffMs: exponential with jitter, and never shorter than a Retry-After.
    backoff: { type: 'senate' },
    removeOnComplete: { age: 24 * 3600, count: 1_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
  return Object.fromEntries(
    JOB_KINDS.map((kind) => [kind, new Queue(kind, { connection, prefix: opts.prefix, defaultJobOptions })]),
  ) as Queues;
}

export function bullJobId(runId: number, job: JobRequest): string {
  return `r${runId}-${jobKey(job)}`;
}

/** Registers jobs in the run ledger and adds the ones that need it to their queues. */
export function bullEnqueue(db: Db, queues: Queues) {
  return async (runId: number, jobs: JobRequest[]): Promise<void> => {
    const specs = await registerJobs(db, runId, jobs.map((j) => ({ key: jobKey(j), kind: j.kind, data: j.data })));
    const wanted = new Set(specs.map((s) => s.key));
    const byKind = new Map<JobKind, JobRequest[]>();
    for (const job of jobs) {
      if (!wanted.delete(jobKey(job))) continue;
      byKind.set(job.kind, [...(byKind.get(job.kind) ?? []), job]);
    }
    for (const [kind, list] of byKind) {
      for (let i = 0; i < list.length; i += 1_000) {
        await queues[kind].addBulk(list.slice(i, i + 1_000).map((job) => ({ name: kind, data: job.data, opts: { jobId: bullJobId(runId, job) } })));
      }
    }
  };
}

/**
 * The priority lane: `recrawl` jobs go to a queue of their own with workers of their own, so
 * that they never wait behind a crawl's backlog (the rate budget is still the fleet's one).
 */
export const RECRAWL_QUEUE = 'recrawl';

export function createRecrawlQueue(connection: Redis, opts: QueueOptions): Queue {
  return new Queue(RECRAWL_QUEUE, { connection, prefix: opts.prefix, defaultJobOptions: { attempts: opts.attempts ?? DEFAULT_ATTEMPTS, backoff: { type: 'senate' }, removeOnComplete: { age: 24 * 3600, count: 1_000 }, removeOnFail: { age: 7 * 24 * 3600, count: 10_000 } } });
}

/** Like bullEnqueue, onto one queue (the recrawl lane): job names carry the kind. */
export function bullLaneEnqueue(db: Db, queue: Queue) {
  return async (runId: number, jobs: JobRequest[]): Promise<void> => {
    const specs = await registerJobs(db, runId, jobs.map((j) => ({ key: jobKey(j), kind: j.kind, data: j.data })));
    const wanted = new Set(specs.map((s) => s.key));
    await queue.addBulk(jobs.filter((j) => wanted.delete(jobKey(j))).map((job) => ({ name: job.kind, data: job.data, opts: { jobId: bullJobId(runId, job) } })));
  };
}

export interface FleetWorkerOptions extends Omit<JobDeps, 'enqueue'> {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  /** how long a job's lock lasts without renewal; a dead worker's jobs are taken over after it */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Between the reaper's passes (see reaper.ts), ms; 0: no reaper. Default 10 s. */
  reaperIntervalMs?: number;
}

export interface FleetWorker {
  workers: Worker[];
  queues: Queues;
  /** Stops taking jobs; active ones finish, or after `deadlineMs` are sent back to their queue. Idempotent. */
  close(deadlineMs?: number): Promise<void>;
}

export function startFleetWorker(opts: FleetWorkerOptions): FleetWorker {
  const connection = redisConnection(opts.redisUrl, { logger: opts.logger, label: 'queues' });
  const queues = createQueues(connection, { prefix: opts.prefix });
  const deps: JobDeps = { ...opts, enqueue: bullEnqueue(opts.db, queues) };
  const stopping = new AbortController();
  let dbWait: Promise<void> | null = null;
  /**
   * The database is away: take no job until a probe answers (pause, not close: the jobs of
   * this worker that are running finish or come back the same way), then resume.
   */
  const pauseForDatabase = (err: DbUnavailableError): void => {
    if (dbWait || stopping.signal.aborted) return;
    opts.logger.warn({ err: err.message }, 'the database is unavailable: this worker takes no job until it answers');
    dbWait = (async () => {
      await Promise.all(workers.map((w) => w.pause(true)));
      await waitForDb(opts.db, {
        signal: stopping.signal,
        onWait: ({ attempt, delayMs }) => opts.logger.warn({ attempt, delayMs }, 'the database is still unavailable; probing again'),
      });
      opts.logger.info('the database answers again: taking jobs');
      for (const w of workers) w.resume();
    })()
      .catch((e: unknown) => {
        if (!stopping.signal.aborted) opts.logger.error({ err: coerceError(e) }, 'probing the database failed');
      })
      .finally(() => {
        dbWait = null;
      });
  };
  const processor = async (job: Job, token?: string, signal?: AbortSignal) => {
    const kind = job.name as JobKind;
    const request = { kind, data: job.data } as JobRequest;
    try {
      return await executeJob(deps, {
        job: request,
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
        signal: signal ?? new AbortController().signal,
        jobId: job.id ?? jobKey(request),
      });
    } catch (e) {
      if (e instanceof ShutdownError) {
        // Back to the queue as it was: another worker takes it, no attempt spent.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (e instanceof DbUnavailableError) {
        // Not an attempt: back to the queue (delayed), and this worker waits for the database.
        pauseForDatabase(e);
        await job.moveToDelayed(Date.now() + DB_AWAY_DELAY_MS, token);
        throw new DelayedError();
      }
      if (e instanceof FinalJobError) throw new UnrecoverableError(e.message);
      throw e;
    }
  };
  const connections = [connection];
  const workers = JOB_KINDS.map(
    (kind) =>
      new Worker(kind, processor, {
        connection: connections[connections.push(redisConnection(opts.redisUrl, { logger: opts.logger, label: `worker ${kind}` })) - 1]!,
        prefix: opts.prefix,
        concurrency: kind === 'discover' ? 1 : opts.concurrency,
        lockDuration: opts.lockDurationMs ?? 30_000,
        stalledInterval: opts.stalledIntervalMs ?? 15_000,
        maxStalledCount: 3,
        settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => jobBackoffMs(attemptsMade, err) },
      }),
  );
  workers.push(
    new Worker(RECRAWL_QUEUE, processor, {
      connection: connections[connections.push(redisConnection(opts.redisUrl, { logger: opts.logger, label: 'worker recrawl' })) - 1]!,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 15_000,
      maxStalledCount: 3,
      settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => jobBackoffMs(attemptsMade, err) },
    }),
    startScheduleWorker({ ...opts, connection: connections[connections.push(redisConnection(opts.redisUrl, { logger: opts.logger, label: 'scheduler' })) - 1]!, enqueue: deps.enqueue }),
  );
  logWorkerErrors(workers, opts.logger);
  const reaper = opts.reaperIntervalMs === 0 ? null : startReaper({ db: opts.db, queues, logger: opts.logger, redis: connection, prefix: opts.prefix, intervalMs: opts.reaperIntervalMs ?? 10_000 });
  let closing: Promise<void> | null = null;
  return {
    workers,
    queues,
    close(deadlineMs = 30_000) {
      closing ??= (async () => {
        stopping.abort(new Error('worker closing'));
        await reaper?.close();
        await dbWait;
        const graceful = Promise.all(workers.map((w) => w.close()));
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), deadlineMs)));
        if ((await Promise.race([graceful, late])) === 'late') {
          opts.logger.warn({ deadlineMs }, 'shutdown deadline passed: sending active jobs back to the queue');
          for (const w of workers) w.cancelAllJobs('shutdown');
        }
        clearTimeout(timer);
        const results = await Promise.allSettled([graceful, ...Object.values(queues).map((q) => q.close())]);
        for (const c of connections) await closeRedis(c);
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
      })();
      return closing;
    },
  };
}

/**
 * Worker errors, logged; while Redis is away every worker reports each failed reconnection,
 * so a repeated message is logged once a minute at most (the connections say when Redis is back).
 */
function logWorkerErrors(workers: readonly Worker[], logger: FleetWorkerOptions['logger']): void {
  const lastLogged = new Map<string, number>();
  for (const w of workers) {
    w.on('error', (err) => {
      const now = Date.now();
      if (now - (lastLogged.get(err.message) ?? 0) < 60_000) return;
      lastLogged.set(err.message, now);
      if (lastLogged.size > 100) lastLogged.clear();
      logger.error({ err, queue: w.name }, 'worker error');
    });
  }
}
