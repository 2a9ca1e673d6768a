/**
 * Runs that are not asked for by `crawl`: the nightly crawl of a schedule (one run per due time,
 * skipped while a crawl of the same legislatures still runs) and `recrawl` (some questions now).
 */
import type { Db } from '../src/store/db.ts';
import { pendingJobs } from '../src/store/run-jobs.ts';
import { admitScheduledRun, createRecrawlRun, type ScheduledAdmission } from '../src/store/scheduled-runs.ts';
import { parseQuestionId } from '../src/senate/urls.ts';
import { jobKey, type JobRequest } from './types.ts';

export interface ScheduledCrawlRequest {
  scheduleId: string;
  scheduledFor: Date;
  legislatures: number[];
  full?: boolean;
  runner?: 'in-process' | 'bullmq';
}

/** Starts the crawl of one due time of a schedule, once; see admitScheduledRun. */
export async function startScheduledCrawl(
  db: Db,
  enqueue: (runId: number, jobs: JobRequest[]) => Promise<void>,
  req: ScheduledCrawlRequest,
): Promise<ScheduledAdmission> {
  const legislatures = [...new Set(req.legislatures)].sort((a, b) => a - b);
  const full = Boolean(req.full);
  const discoverJobs = (runId: number): JobRequest[] => legislatures.map((legislature) => ({ kind: 'discover', data: { runId, legislature, full } }));
  const admission = await admitScheduledRun(db, {
    kind: 'crawl',
    scheduleId: req.scheduleId,
    scheduledFor: req.scheduledFor,
    mode: full ? 'full' : 'incremental',
    legislatures,
    options: { runner: req.runner ?? 'bullmq', schedule: req.scheduleId },
    blockedBy: ['crawl'],
    jobs: (runId) => discoverJobs(runId).map((j) => ({ key: jobKey(j), kind: j.kind, data: j.data })),
  });
  if (admission.outcome === 'started') await enqueue(admission.runId, discoverJobs(admission.runId));
  else if (admission.outcome === 'duplicate') await requeueUnfinished(db, enqueue, admission.runId);
  // The run that made this due time skipped may have lost its queue entries (Redis restarted
  // empty): queue its unfinished jobs again, as `crawl --wait` does when it joins a run.
  else if (admission.running.runner === 'bullmq') await requeueUnfinished(db, enqueue, admission.running.run.id);
  return admission;
}

/**
 * A due time seen again (the scheduler's job retried after its run was admitted but its jobs
 * were not all queued, a lost acknowledgement): queue again what the run has not finished.
 * Harmless when they are queued already: job ids are per run and key.
 */
export async function requeueUnfinished(db: Db, enqueue: (runId: number, jobs: JobRequest[]) => Promise<void>, runId: number): Promise<void> {
  const pending = await pendingJobs(db, runId);
  if (pending.length > 0) await enqueue(runId, pending.map((p) => ({ kind: p.kind, data: p.data }) as JobRequest));
}

/** Starts a recrawl run of these questions (ids already validated) and queues their fetches. */
export async function startRecrawlRun(
  db: Db,
  enqueue: (runId: number, jobs: JobRequest[]) => Promise<void>,
  ids: readonly string[],
  options: Record<string, unknown> = {},
): Promise<number> {
  const unique = [...new Set(ids)];
  const legislatures = [...new Set(unique.map((id) => parseQuestionId(id)!.legislature))].sort((a, b) => a - b);
  const jobsOf = (runId: number): JobRequest[] => unique.map((id) => ({ kind: 'fetch-question', data: { runId, id } }));
  const runId = await createRecrawlRun(db, { legislatures, options, jobs: (id) => jobsOf(id).map((j) => ({ key: jobKey(j), kind: j.kind, data: j.data })) });
  await enqueue(runId, jobsOf(runId));
  return runId;
}
