/**
 * The run ledger is the truth; the queues are a copy that Redis can lose (a restart without
 * persistence, a flush) or give up on (a job BullMQ failed without its ledger row finishing:
 * stalled too often, the database away on its last attempt). The reaper, in every worker and
 * in `crawl --wait`, queues again every unfinished ledger job of a running fleet run that has
 * no live BullMQ job. A job queued again `maxRequeues` times fails with the reason, so its
 * run ends (partial or failed) instead of staying `running` for ever.
 */
import type { Redis } from 'ioredis';
import type { JobKind, JobRequest } from '../jobs/index.ts';
import type { Db } from '../src/store/db.ts';
import { findDbUnavailable } from '../src/store/db-errors.ts';
import { recordRequeues, runningFleetRuns, unfinishedJobs, type LedgerJob } from '../src/store/run-recovery.ts';
import { coerceError } from '../src/util/errors.ts';
import type { Logger } from '../src/util/logger.ts';
import { bullJobId, type Queues } from './bullmq.ts';

/** BullMQ states in which a job will still run (or is running). */
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export interface ReaperOptions {
  db: Db;
  queues: Queues;
  logger: Logger;
  /** How often a job may be queued again before it fails. Default 5. */
  maxRequeues?: number;
  /** Ledger jobs younger than this are left alone (they may be on their way to the queue), ms. Default 15 s. */
  minAgeMs?: number;
}

export interface ReapReport {
  /** `runId/key` of the jobs queued again */
  requeued: string[];
  /** `runId/key` of the jobs failed for having been lost too often */
  failed: string[];
}

/** One pass over every running fleet run. */
export async function reapOnce(opts: ReaperOptions): Promise<ReapReport> {
  const report: ReapReport = { requeued: [], failed: [] };
  for (const runId of await runningFleetRuns(opts.db)) {
    const ledger = await unfinishedJobs(opts.db, runId, opts.minAgeMs ?? 15_000);
    const lost: LedgerJob[] = [];
    for (let i = 0; i < ledger.length; i += 100) {
      const chunk = ledger.slice(i, i + 100);
      const states = await Promise.all(chunk.map((j) => opts.queues[j.kind as JobKind]?.getJobState(bullJobId(runId, asRequest(j))) ?? 'unknown'));
      chunk.forEach((j, n) => {
        if (!LIVE_STATES.has(states[n]!)) lost.push(j);
      });
    }
    if (lost.length === 0) continue;
    const { requeue, failed } = await recordRequeues(opts.db, runId, lost, opts.maxRequeues ?? 5);
    const again = new Set(requeue);
    for (const job of lost.filter((j) => again.has(j.key))) {
      const queue = opts.queues[job.kind as JobKind];
      const id = bullJobId(runId, asRequest(job));
      // A finished (failed or completed) entry keeps its id taken: remove it first.
      await queue.remove(id).catch(() => 0);
      await queue.add(job.kind, job.data, { jobId: id });
    }
    report.requeued.push(...requeue.map((k) => `${runId}/${k}`));
    report.failed.push(...failed.map((k) => `${runId}/${k}`));
    if (requeue.length > 0 || failed.length > 0) {
      opts.logger.warn({ runId, requeued: requeue.length, failed: failed.length, keys: [...requeue, ...failed].slice(0, 10) }, 'jobs without a queue entry: queued again from the run ledger');
    }
  }
  return report;
}

function asRequest(job: LedgerJob): JobRequest {
  return { kind: job.kind, data: job.data } as JobRequest;
}

export interface ReaperLoopOptions extends ReaperOptions {
  /** Between passes, ms. Default 10 s. */
  intervalMs?: number;
  /** With it, one process of the fleet reaps at a time (a lock key in Redis for one interval). */
  redis?: Redis;
  /** Redis key prefix (QUEUE_PREFIX). */
  prefix?: string;
}

/** Reaps every `intervalMs` until closed. Failures are logged (once while they last), never thrown. */
export function startReaper(opts: ReaperLoopOptions): { close(): Promise<void>; once(): Promise<ReapReport> } {
  const interval = opts.intervalMs ?? 10_000;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let running: Promise<unknown> = Promise.resolve();
  let failing = false;
  const pass = async (): Promise<ReapReport> => {
    if (opts.redis) {
      const got = await opts.redis.set(`${opts.prefix ?? 'sq'}:reaper`, String(process.pid), 'PX', Math.max(1_000, interval - 500), 'NX');
      if (got !== 'OK') return { requeued: [], failed: [] };
    }
    return reapOnce(opts);
  };
  const tick = () => {
    running = pass()
      .then(() => {
        if (failing) opts.logger.info('the reaper works again');
        failing = false;
      })
      .catch((e: unknown) => {
        if (!failing) {
          const err = coerceError(e);
          opts.logger.warn({ err: findDbUnavailable(err)?.message ?? err.message }, 'the reaper could not check the queues; it tries again');
        }
        failing = true;
      })
      .finally(() => {
        if (!closed) timer = setTimeout(tick, interval);
      });
  };
  timer = setTimeout(tick, Math.min(interval, 2_000));
  return {
    once: () => reapOnce(opts),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
