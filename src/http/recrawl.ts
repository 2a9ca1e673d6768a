/**
 * Recrawling one question on demand (POST /api/questions/:id/recrawl): a `recrawl` run of its
 * own (jobs/scheduled-run.ts, as `senate-questions recrawl` starts it), queued on the fleet's
 * recrawl lane or run in this process, by whatever `enqueue` the caller wires.
 */
import { startRecrawlRun } from '../../jobs/scheduled-run.ts';
import type { JobRequest } from '../../jobs/types.ts';
import type { Db } from '../store/db.ts';

/** Starts a recrawl of `questionId`; resolves with the run's id once the run is queued. */
export type Recrawler = (questionId: string) => Promise<number>;

export function recrawlVia(db: Db, enqueue: (runId: number, jobs: JobRequest[]) => Promise<void>, options: Record<string, unknown> = {}): Recrawler {
  return (questionId) => startRecrawlRun(db, enqueue, [questionId], { ...options, requestedBy: 'api' });
}
