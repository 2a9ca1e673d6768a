/**
 * `senate-questions schedule`: install, show or remove the fleet's schedules (the nightly crawl
 * and the answer watch), as BullMQ job schedulers with stable ids that every worker runs.
 * Without Redis there is no fleet to run them: exit 2 with the cron line that does the same
 * on the embedded default.
 */
import { Redis } from 'ioredis';
import {
  createScheduleQueue,
  cronProblem,
  installSchedules,
  listSchedules,
  nextDue,
  NIGHTLY_SCHEDULER_ID,
  removeSchedules,
  WATCH_SCHEDULER_ID,
} from '../../../workers/scheduler.ts';
import { scheduledRuns } from '../../store/scheduled-runs.ts';
import { UsageError } from '../../util/errors.ts';
import { createLogger } from '../../util/logger.ts';
import { configFor } from '../config.ts';
import { openStore } from '../context.ts';
import type { Io } from '../io.ts';

export const DEFAULT_WATCH_CRON = '*/15 * * * *';

export interface ScheduleOptions {
  cron?: string;
  tz?: string;
  legislature?: number[];
  /** commander's --no-watch gives false; --watch-cron a pattern */
  watch?: boolean;
  watchCron?: string;
  show?: boolean;
  remove?: boolean;
}

export async function schedule(opts: ScheduleOptions, io: Io): Promise<void> {
  const config = configFor(io);
  const chosen = [opts.show && '--show', opts.remove && '--remove', opts.cron !== undefined && '--cron'].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`give one of --cron, --show or --remove, not ${chosen.join(' and ')}`);
  if (chosen.length === 0) throw new UsageError('give --cron "<pattern>" to install the nightly crawl (e.g. --cron "0 3 * * *"), --show or --remove');
  const legislatures = opts.legislature ?? [config.currentLegislature];
  for (const l of legislatures) {
    if (l > config.currentLegislature) throw new UsageError(`legislature ${l} does not exist yet (CURRENT_LEGISLATURE is ${config.currentLegislature})`);
  }
  const watchCron = opts.watch === false ? null : (opts.watchCron ?? DEFAULT_WATCH_CRON);
  if (opts.cron !== undefined) {
    const problem = cronProblem(opts.cron, opts.tz) ?? (watchCron ? cronProblem(watchCron, opts.tz)?.replace('--cron', '--watch-cron') ?? null : null);
    if (problem) throw new UsageError(problem);
  }
  if (!config.redisUrl) {
    throw new UsageError(`schedules need REDIS_URL: the fleet's workers run them. Without Redis (jobs in-process), run the crawl from cron instead:\n${cronLine(opts, legislatures, io)}`);
  }
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true, connectTimeout: 3_000, retryStrategy: () => null });
  connection.on('error', () => {});
  try {
    await connection.connect();
    await connection.ping();
  } catch (e) {
    connection.disconnect();
    throw new UsageError(`REDIS_URL (${redactedUrl(config.redisUrl)}) does not answer (${(e as Error).message}): schedules need a reachable Redis. Without Redis, run the crawl from cron instead:\n${cronLine(opts, legislatures, io)}`);
  }
  const queue = createScheduleQueue(connection, config.queuePrefix);
  try {
    if (opts.remove) {
      const removed = await removeSchedules(queue);
      io.stdout.write(removed.length > 0 ? `removed ${removed.join(', ')}\n` : 'no schedule was installed\n');
      return;
    }
    if (opts.cron !== undefined) {
      await installSchedules(queue, {
        nightly: { cron: opts.cron, ...(opts.tz ? { tz: opts.tz } : {}), legislatures },
        watch: watchCron ? { cron: watchCron, ...(opts.tz ? { tz: opts.tz } : {}) } : null,
      });
    }
    await show(queue, io, config, Boolean(opts.show));
  } finally {
    await queue.close();
    await connection.quit().catch(() => connection.disconnect());
  }
}

async function show(queue: ReturnType<typeof createScheduleQueue>, io: Io, config: ReturnType<typeof configFor>, withRuns: boolean): Promise<void> {
  const installed = await listSchedules(queue);
  if (installed.length === 0) {
    io.stdout.write('no schedule installed (schedule --cron "0 3 * * *" installs the nightly crawl)\n');
    return;
  }
  for (const s of installed) {
    const what = s.id === NIGHTLY_SCHEDULER_ID ? `nightly crawl of legislature(s) ${((s.data as { legislatures?: number[] } | null)?.legislatures ?? []).join(', ')}` : s.id === WATCH_SCHEDULER_ID ? `answer watch (up to ${config.watchRequestsPerHour} requests/hour)` : 'unknown';
    const next = s.next ?? (s.pattern ? nextDue(s.pattern, s.tz ?? undefined, new Date()) : null);
    io.stdout.write(`${s.id}: ${s.pattern ?? '?'}${s.tz ? ` (${s.tz})` : ' (UTC)'}: ${what}; next at ${next?.toISOString() ?? '?'}\n`);
  }
  if (!withRuns) {
    io.stdout.write('the workers run them: senate-questions worker\n');
    return;
  }
  const logger = createLogger(config.logLevel);
  const db = await openStore(config, logger);
  try {
    for (const s of installed) {
      for (const r of await scheduledRuns(db, s.id, 5)) {
        io.stdout.write(`  ${s.id} due ${r.scheduledFor.toISOString()}: run ${r.id} ${r.status}${r.error ? ` (${r.error})` : ''}\n`);
      }
    }
  } finally {
    await db.close();
    logger.flush();
  }
}

/** The crontab lines that run the same crawl, and the answer watch, in-process (the embedded default). */
export function cronLine(opts: ScheduleOptions, legislatures: number[], io: Io): string {
  const tz = opts.tz ? `CRON_TZ=${opts.tz}\n` : '';
  const l = legislatures.map((n) => ` -l ${n}`).join('');
  const cd = `cd ${shellQuote(io.cwd)} && npx senate-questions`;
  const crawl = `${tz}${opts.cron ?? '0 3 * * *'} ${cd} crawl${l} >> crawl.log 2>&1`;
  const watchCron = opts.watch === false ? null : (opts.watchCron ?? DEFAULT_WATCH_CRON);
  // Every 15 minutes by default: the watch run takes that share of WATCH_REQUESTS_PER_HOUR.
  const every = watchCron?.match(/^\*\/(\d+) \* \* \* \*$/)?.[1];
  return watchCron ? `${crawl}\n${watchCron} ${cd} watch${every ? ` --every-min ${every}` : ''} >> watch.log 2>&1` : crawl;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'invalid URL';
  }
}
