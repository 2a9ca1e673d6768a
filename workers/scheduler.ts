/**
 * Scheduled runs on the fleet: BullMQ job schedulers with stable ids on a `schedule` queue
 * (the nightly crawl, the answer watch), and the worker that turns each due job into a run.
 * BullMQ makes one job per due time (its id is `repeat:{scheduler}:{due ms}`); the database
 * makes one run per due time whatever happens (admitScheduledRun: a unique index on the
 * schedule and due time), so running `schedule` twice, restarting workers or two workers
 * taking the same due time never start two runs.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import { startScheduledCrawl } from '../jobs/scheduled-run.ts';
import { startWatchRun } from '../jobs/watch.ts';
import type { JobRequest } from '../jobs/index.ts';
import type { Db } from '../src/store/db.ts';
import type { Logger } from '../src/util/logger.ts';

export const SCHEDULE_QUEUE = 'schedule';
export const NIGHTLY_SCHEDULER_ID = 'nightly-crawl';
export const WATCH_SCHEDULER_ID = 'answer-watch';

export interface NightlyData {
  legislatures: number[];
}

/** The watch's own pattern: the interval between due times sets its share of the hourly budget. */
export interface WatchData {
  cron: string;
  tz: string | null;
}

export type ScheduleJobName = 'nightly' | 'watch';

/** What is wrong with a cron pattern or a time zone, or null. */
export function cronProblem(pattern: string, tz?: string): string | null {
  if (tz !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      return `--tz ${JSON.stringify(tz)} is not a time zone (an IANA name such as Europe/Brussels or UTC)`;
    }
  }
  try {
    CronExpressionParser.parse(pattern, { tz: tz ?? 'UTC' }).next();
  } catch (e) {
    return `--cron ${JSON.stringify(pattern)} is not a cron pattern (minute hour day month weekday, e.g. "0 3 * * *"): ${(e as Error).message}`;
  }
  return null;
}

/** The due time after `from` for this pattern. */
export function nextDue(pattern: string, tz: string | undefined, from: Date): Date {
  return CronExpressionParser.parse(pattern, { tz: tz ?? 'UTC', currentDate: from }).next().toDate();
}

export function createScheduleQueue(connection: Redis, prefix: string): Queue {
  return new Queue(SCHEDULE_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: { count: 200 }, removeOnFail: { count: 1_000 }, attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
  });
}

export interface Schedules {
  nightly: { cron: string; tz?: string; legislatures: number[] };
  /** null: no answer watch */
  watch: { cron: string; tz?: string } | null;
}

/** Installs (or updates, same ids) the schedulers. Idempotent: the next due job is not duplicated. */
export async function installSchedules(queue: Queue, s: Schedules): Promise<void> {
  const tzOf = (tz?: string) => (tz ? { tz } : {});
  await queue.upsertJobScheduler(NIGHTLY_SCHEDULER_ID, { pattern: s.nightly.cron, ...tzOf(s.nightly.tz) }, { name: 'nightly', data: { legislatures: s.nightly.legislatures } satisfies NightlyData });
  if (s.watch) await queue.upsertJobScheduler(WATCH_SCHEDULER_ID, { pattern: s.watch.cron, ...tzOf(s.watch.tz) }, { name: 'watch', data: { cron: s.watch.cron, tz: s.watch.tz ?? null } satisfies WatchData });
  else await queue.removeJobScheduler(WATCH_SCHEDULER_ID);
}

export interface InstalledSchedule {
  id: string;
  pattern: string | null;
  tz: string | null;
  next: Date | null;
  data: unknown;
}

export async function listSchedules(queue: Queue): Promise<InstalledSchedule[]> {
  const all = await queue.getJobSchedulers(0, -1, true);
  return all.map((s) => ({
    id: s.key,
    pattern: s.pattern ?? null,
    tz: s.tz ?? null,
    next: s.next ? new Date(s.next) : null,
    data: s.template?.data ?? null,
  }));
}

/** Removes both schedulers; returns the ids that were installed. */
export async function removeSchedules(queue: Queue): Promise<string[]> {
  const removed: string[] = [];
  for (const id of [NIGHTLY_SCHEDULER_ID, WATCH_SCHEDULER_ID]) if (await queue.removeJobScheduler(id)) removed.push(id);
  return removed;
}

export interface ScheduleWorkerOptions {
  connection: Redis;
  prefix: string;
  db: Db;
  config: Config;
  logger: Logger;
  /** registers and queues the jobs of a started run on the fleet's queues */
  enqueue(runId: number, jobs: JobRequest[]): Promise<void>;
}

/** The due time a scheduler's job is for (BullMQ's prevMillis, else the ms in its id). */
export function dueTimeOf(job: Pick<Job, 'id' | 'opts' | 'timestamp'>): Date {
  const fromOpts = job.opts.prevMillis;
  if (typeof fromOpts === 'number' && fromOpts > 0) return new Date(fromOpts);
  const fromId = Number(/:(\d+)$/.exec(job.id ?? '')?.[1]);
  return new Date(Number.isFinite(fromId) && fromId > 0 ? fromId : job.timestamp);
}

/** Turns a due scheduler job into its run (or its 'skipped' record, or nothing when that due time has its run). */
export function scheduleProcessor(o: Omit<ScheduleWorkerOptions, 'connection' | 'prefix'>) {
  return async (job: Job): Promise<string> => {
    const scheduledFor = dueTimeOf(job);
    const scheduleId = job.opts.repeatJobKey ?? (job.name === 'watch' ? WATCH_SCHEDULER_ID : NIGHTLY_SCHEDULER_ID);
    const log = o.logger.child({ scheduleId, scheduledFor: scheduledFor.toISOString() });
    if (job.name === 'watch') {
      const { cron, tz } = job.data as WatchData;
      const intervalMs = nextDue(cron, tz ?? undefined, scheduledFor).getTime() - scheduledFor.getTime();
      const a = await startWatchRun(o.db, o.config, o.enqueue, { scheduleId, scheduledFor, intervalMs, now: new Date() });
      log.info({ outcome: a.outcome, runId: a.runId, reasons: a.reasons }, 'answer watch due');
      return `${a.outcome} run ${a.runId}`;
    }
    const data = job.data as NightlyData;
    const legislatures = data.legislatures?.length ? data.legislatures : [o.config.currentLegislature];
    const a = await startScheduledCrawl(o.db, o.enqueue, { scheduleId, scheduledFor, legislatures });
    if (a.outcome === 'skipped') log.warn({ runId: a.runId, running: a.running.run.id }, 'nightly crawl skipped: the previous one is still running');
    else log.info({ outcome: a.outcome, runId: a.runId }, 'nightly crawl due');
    return `${a.outcome} run ${a.runId}`;
  };
}

/** The worker of the schedule queue, one job at a time (a due job only admits a run). */
export function startScheduleWorker(o: ScheduleWorkerOptions): Worker {
  return new Worker(SCHEDULE_QUEUE, scheduleProcessor(o), { connection: o.connection, prefix: o.prefix, concurrency: 1 });
}
