/**
 * What `crawl --wait` does beside following its run: it reaps (reaper.ts: jobs the queues
 * lost are queued again from the ledger, so a waiting crawl heals its run even when every
 * worker is an old release), and it says when no worker has taken a job for a while, with
 * what to do, instead of waiting silently for ever.
 */
import type { Redis } from 'ioredis';
import type { Db } from '../src/store/db.ts';
import { getRun } from '../src/store/runs.ts';
import type { Logger } from '../src/util/logger.ts';
import type { Queues } from './bullmq.ts';
import { startReaper } from './reaper.ts';

export interface FleetWatchOptions {
  db: Db;
  queues: Queues;
  /** the queues' connection (the reaper's lock) */
  redis: Redis;
  prefix: string;
  runId: number;
  logger: Logger;
  /** where the "no worker" line goes (stderr) */
  out: { write(s: string): unknown };
  /** Say so after this long without a job taken or finished, ms. Default 20 s; again every 2 min. */
  idleWarnMs?: number;
  /** Between checks, ms. Default 2 s. */
  checkEveryMs?: number;
}

export function watchFleet(opts: FleetWatchOptions): { close(): Promise<void> } {
  const idleWarnMs = opts.idleWarnMs ?? 20_000;
  const reaper = startReaper({ db: opts.db, queues: opts.queues, logger: opts.logger, redis: opts.redis, prefix: opts.prefix });
  let lastMove = Date.now();
  let lastDone = -1;
  let lastWarned = 0;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let checking: Promise<void> = Promise.resolve();

  const check = async (): Promise<void> => {
    const queues = Object.values(opts.queues);
    const [run, counts, workers] = await Promise.all([
      getRun(opts.db, opts.runId),
      Promise.all(queues.map((q) => q.getJobCounts('active', 'waiting', 'delayed', 'prioritized'))),
      Promise.all(queues.map((q) => q.getWorkersCount())),
    ]);
    if (!run || run.finishedAt) return;
    const active = counts.reduce((n, c) => n + (c.active ?? 0), 0);
    const queued = counts.reduce((n, c) => n + (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0), 0);
    const now = Date.now();
    if (active > 0 || run.jobsDone !== lastDone) lastMove = now;
    lastDone = run.jobsDone;
    if (now - lastMove < idleWarnMs || now - lastWarned < 120_000) return;
    lastWarned = now;
    const connected = Math.max(0, ...workers);
    opts.out.write(
      `no worker has taken a job of run ${opts.runId} for ${Math.round((now - lastMove) / 1000)} s ` +
        `(${queued} queued, ${connected} worker connection(s) on QUEUE_PREFIX ${opts.prefix}): start one with \`senate-questions worker\` ` +
        `(same REDIS_URL, QUEUE_PREFIX and database), or stop the run with \`senate-questions runs cancel ${opts.runId}\`\n`,
    );
  };
  const tick = () => {
    checking = check()
      .catch((e: unknown) => opts.logger.debug({ err: e }, 'fleet check failed'))
      .finally(() => {
        if (!closed) timer = setTimeout(tick, opts.checkEveryMs ?? 2_000);
      });
  };
  tick();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await checking;
      await reaper.close();
    },
  };
}
