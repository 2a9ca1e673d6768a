/**
 * Starting a crawl run: one crawl_runs row and one discover job per legislature, unless a
 * crawl of an overlapping legislature is already running. Then the new crawl is refused
 * (RunOverlapError, naming the running run) or, when the caller asks to join and the running
 * run covers what was asked, that run is followed instead of starting a second one (two runs
 * at once would fetch every question twice).
 */
import { hostname } from 'node:os';
import type { Db } from '../src/store/db.ts';
import { pendingJobs } from '../src/store/run-jobs.ts';
import { admitCrawlRun, cancelDeadInProcessRuns, finishRun, type RunningCrawl } from '../src/store/runs.ts';
import { coerceError } from '../src/util/errors.ts';
import { isProcessAlive, shortTime } from '../src/util/process.ts';
import { jobKey, type JobRequest } from './types.ts';

export interface CrawlRunRequest {
  legislatures: number[];
  full: boolean;
  /** who runs the jobs; an in-process run is tied to its process (see cancelDeadInProcessRuns) */
  runner?: 'in-process' | 'bullmq';
}

/** A crawl was asked for while another one of the same legislatures runs (the CLI exits 1). */
export class RunOverlapError extends Error {
  override readonly name = 'RunOverlapError';
  constructor(
    readonly running: RunningCrawl,
    readonly requested: { legislatures: number[]; full: boolean },
    /** why a join was not possible, when one was asked for */
    readonly notJoinedBecause: string | null = null,
  ) {
    super(overlapMessage(running, requested, notJoinedBecause));
  }
}

/** Starts a crawl run and queues its discover jobs; throws RunOverlapError when an overlapping crawl runs. */
export async function startCrawlRun(
  db: Db,
  enqueue: (runId: number, jobs: JobRequest[]) => Promise<void>,
  req: CrawlRunRequest,
): Promise<number> {
  return (await startOrJoinCrawlRun(db, enqueue, { ...req, join: false })).runId;
}

export interface StartedOrJoined {
  runId: number;
  /** the running run that was joined instead of starting one; null when `runId` was started */
  joined: RunningCrawl | null;
}

/**
 * Like startCrawlRun, but with `join`, a running fleet crawl that covers the legislatures (and
 * is full when a full crawl was asked for) is joined: its unfinished jobs are queued again
 * (harmless, the queue dedupes by job id; it heals jobs lost with a Redis), and its id returned.
 */
export async function startOrJoinCrawlRun(
  db: Db,
  enqueue: (runId: number, jobs: JobRequest[]) => Promise<void>,
  req: CrawlRunRequest & { join: boolean },
): Promise<StartedOrJoined> {
  const legislatures = [...new Set(req.legislatures)].sort((a, b) => a - b);
  const options = req.runner === 'in-process' ? { runner: 'in-process', host: hostname(), pid: process.pid } : { runner: req.runner ?? 'bullmq' };
  // A run of a dead process must not block this one. The embedded database is locked to this process.
  await cancelDeadInProcessRuns(db, hostname(), isProcessAlive, { exclusive: db.kind === 'pglite' });
  const discoverJobs = (runId: number): JobRequest[] => legislatures.map((legislature) => ({ kind: 'discover', data: { runId, legislature, full: req.full } }));
  const admission = await admitCrawlRun(db, {
    mode: req.full ? 'full' : 'incremental',
    legislatures,
    options,
    jobs: (runId) => discoverJobs(runId).map((j) => ({ key: jobKey(j), kind: j.kind, data: j.data })),
  });
  if (admission.admitted) {
    try {
      await enqueue(admission.runId, discoverJobs(admission.runId));
    } catch (e) {
      // Its jobs could not be queued (Redis went away): the run must not stay `running` with nobody on it.
      await finishRun(db, admission.runId, 'failed', `its jobs could not be queued: ${coerceError(e).message}`.slice(0, 500)).catch(() => undefined);
      throw e;
    }
    return { runId: admission.runId, joined: null };
  }
  const { running } = admission;
  const requested = { legislatures, full: req.full };
  if (!req.join) throw new RunOverlapError(running, requested);
  const why = whyNotJoinable(running, requested);
  if (why) throw new RunOverlapError(running, requested, why);
  if (running.runner === 'bullmq') {
    const pending = await pendingJobs(db, running.run.id);
    await enqueue(running.run.id, pending.map((p) => ({ kind: p.kind, data: p.data }) as JobRequest));
  }
  return { runId: running.run.id, joined: running };
}

function whyNotJoinable(running: RunningCrawl, requested: { legislatures: number[]; full: boolean }): string | null {
  const missing = requested.legislatures.filter((l) => !running.run.legislatures.includes(l));
  if (missing.length > 0) return `it does not crawl legislature(s) ${missing.join(', ')}`;
  if (requested.full && running.run.mode !== 'full') return 'it is incremental, and a full crawl was asked for';
  return null;
}

/** `run 12 (legislature(s) 8, incremental, since 21:03:12, in-process: pid 1234, 40/51 jobs done)` */
export function describeRunning(r: RunningCrawl): string {
  const { run } = r;
  const by = r.runner === 'in-process' ? `in-process: pid ${r.pid ?? '?'}${r.host && r.host !== hostname() ? ` on host ${r.host}` : ''}` : 'on the fleet';
  return `run ${run.id} (legislature(s) ${run.legislatures.join(', ')}, ${run.mode}, since ${shortTime(run.startedAt)}, ${by}, ${run.jobsDone}/${run.jobsTotal} jobs done)`;
}

function overlapMessage(r: RunningCrawl, requested: { legislatures: number[]; full: boolean }, notJoinedBecause: string | null): string {
  const head = `${describeRunning(r)} is already crawling legislature(s) ${r.run.legislatures.filter((l) => requested.legislatures.includes(l)).join(', ')}`;
  if (notJoinedBecause) return `${head}; cannot follow it instead (${notJoinedBecause}): start this crawl when it has ended (\`senate-questions runs\`)`;
  const follow =
    r.runner === 'in-process'
      ? `follow it with \`senate-questions runs\`; to cancel it, stop pid ${r.pid ?? '?'} (Ctrl-C in its terminal, or kill ${r.pid ?? '<pid>'})`
      : `follow it with \`senate-questions crawl --wait -l ${r.run.legislatures.join(' -l ')}\` (joins it) or \`senate-questions runs\`; it ends when its jobs are done`;
  return `${head}; this crawl is refused: ${follow}`;
}
