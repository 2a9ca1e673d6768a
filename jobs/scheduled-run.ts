/**
 * Runs that are not asked for by `crawl`: the nightly crawl of a schedule (one run per due time,
 * skipped while a crawl of the same legislatures still runs) and `recrawl` (some questions now).
 */
import type { Db } from '../src/store/db.ts';
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
  return admission;
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
