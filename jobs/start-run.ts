/** Starting a crawl run: one crawl_runs row and one discover job per legislature. */
import { hostname } from 'node:os';
import type { Db } from '../src/store/db.ts';
import { createRun } from '../src/store/runs.ts';
import type { JobRequest } from './types.ts';

export interface CrawlRunRequest {
  legislatures: number[];
  full: boolean;
  /** who runs the jobs; an in-process run is tied to its process (see cancelDeadInProcessRuns) */
  runner?: 'in-process' | 'bullmq';
}

export async function startCrawlRun(
  db: Db,
  enqueue: (runId: number, jobs: JobRequest[]) => Promise<void>,
  req: CrawlRunRequest,
): Promise<number> {
  const legislatures = [...new Set(req.legislatures)].sort((a, b) => a - b);
  const options = req.runner === 'in-process' ? { runner: 'in-process', host: hostname(), pid: process.pid } : { runner: req.runner ?? 'bullmq' };
  const runId = await createRun(db, { kind: 'crawl', mode: req.full ? 'full' : 'incremental', legislatures, options });
  await enqueue(
    runId,
    legislatures.map((legislature) => ({ kind: 'discover', data: { runId, legislature, full: req.full } })),
  );
  return runId;
}
