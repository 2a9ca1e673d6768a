/**
 * The answer watch: a frequent scheduled run that refetches only the questions expecting an
 * answer soon (src/store/watch.ts says which), within WATCH_REQUESTS_PER_HOUR. Its requests go
 * through the same fetcher, so the same fleet-wide rate budget: the watch never makes the crawler
 * less polite, it spends a share of the same rate on the questions most likely to change.
 */
import type { Config } from '../config/index.ts';
import type { Db } from '../src/store/db.ts';
import { admitScheduledRun, type ScheduledAdmission } from '../src/store/scheduled-runs.ts';
import { watchCandidates, watchRequestsSince, type WatchReason } from '../src/store/watch.ts';
import { requeueUnfinished } from './scheduled-run.ts';
import { jobKey, type JobRequest } from './types.ts';

/** Pages one question costs: FR and NL. */
export const REQUESTS_PER_QUESTION = 2;
/** A deadline further past than this is watched after the near ones. */
export const WATCH_PAST_DAYS = 30;
const HOUR_MS = 3_600_000;

/**
 * How many questions one watch run may refetch: its share of the hourly budget (the budget
 * times the interval between runs), and never more than what the last hour left.
 */
export function watchAllowance(budgetPerHour: number, intervalMs: number, spentLastHour: number): number {
  const share = Math.ceil((budgetPerHour * Math.min(intervalMs, HOUR_MS)) / HOUR_MS);
  const requests = Math.max(0, Math.min(share, budgetPerHour - spentLastHour));
  return Math.floor(requests / REQUESTS_PER_QUESTION);
}

export interface WatchRunRequest {
  scheduleId: string;
  scheduledFor: Date;
  /** time between two due times of the schedule, in ms */
  intervalMs: number;
  /** the clock deadlines are judged by; default: scheduledFor */
  now?: Date;
  runner?: 'in-process' | 'bullmq';
}

export type WatchAdmission = ScheduledAdmission & { reasons: Partial<Record<WatchReason, number>> };

/** Starts the watch run of one due time (once per due time; skipped while the previous watch runs). */
export async function startWatchRun(
  db: Db,
  config: Config,
  enqueue: (runId: number, jobs: JobRequest[]) => Promise<void>,
  req: WatchRunRequest,
): Promise<WatchAdmission> {
  const now = req.now ?? req.scheduledFor;
  const spent = await watchRequestsSince(db, new Date(req.scheduledFor.getTime() - HOUR_MS));
  const limit = watchAllowance(config.watchRequestsPerHour, req.intervalMs, spent);
  const candidates = await watchCandidates(db, {
    now,
    currentLegislature: config.currentLegislature,
    deadlineDays: config.watchDeadlineDays,
    pastDays: WATCH_PAST_DAYS,
    closedEveryDays: config.watchClosedEveryDays,
    limit,
  });
  const reasons: Partial<Record<WatchReason, number>> = {};
  for (const c of candidates) reasons[c.reason] = (reasons[c.reason] ?? 0) + 1;
  const jobsOf = (runId: number): JobRequest[] => candidates.map((c) => ({ kind: 'fetch-question', data: { runId, id: c.id } }));
  const legislatures = [...new Set(candidates.map((c) => Number(c.id.split('-')[0])))].sort((a, b) => a - b);
  const admission = await admitScheduledRun(db, {
    kind: 'watch',
    scheduleId: req.scheduleId,
    scheduledFor: req.scheduledFor,
    mode: 'incremental',
    legislatures,
    options: { runner: req.runner ?? 'bullmq', budgetPerHour: config.watchRequestsPerHour, spentLastHour: spent, allowance: limit, reasons },
    blockedBy: ['watch'],
    jobs: (runId) => jobsOf(runId).map((j) => ({ key: jobKey(j), kind: j.kind, data: j.data })),
  });
  if (admission.outcome === 'started' && admission.jobs > 0) await enqueue(admission.runId, jobsOf(admission.runId));
  else if (admission.outcome === 'duplicate') await requeueUnfinished(db, enqueue, admission.runId);
  return { ...admission, reasons };
}
