/**
 * Recrawling one question on demand (POST /api/questions/:id/recrawl): a `recrawl` run with
 * one fetch-question job, queued for the fleet or run in this process, by whatever `enqueue`
 * the caller wires (the same ledger and handlers as a crawl).
 */
import type { JobRequest } from '../../jobs/types.ts';
import type { Db } from '../store/db.ts';
import { createRun } from '../store/runs.ts';
import { parseQuestionId } from '../senate/urls.ts';

/** Starts a recrawl of `questionId`; resolves with the run's id once the run is queued. */
export type Recrawler = (questionId: string) => Promise<number>;

export function recrawlVia(db: Db, enqueue: (runId: number, jobs: JobRequest[]) => Promise<void>): Recrawler {
  return async (questionId) => {
    const ref = parseQuestionId(questionId);
    if (!ref) throw new Error(`not a question id: ${questionId}`);
    const runId = await createRun(db, { kind: 'recrawl', mode: 'full', legislatures: [ref.legislature], options: { questionIds: [questionId] } });
    await enqueue(runId, [{ kind: 'fetch-question', data: { runId, id: questionId } }]);
    return runId;
  };
}
