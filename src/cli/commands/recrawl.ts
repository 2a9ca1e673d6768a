/**
 * `senate-questions recrawl <id>... [--wait]`: fetch these questions now. On the fleet they go
 * to the recrawl lane (a queue of their own, ahead of any crawl's backlog); without Redis they
 * run in this process. A recrawl is a run of its own, so a question crawled a moment ago is
 * fetched again, never dropped as a duplicate job.
 */
import { startRecrawlRun } from '../../../jobs/scheduled-run.ts';
import { jobKey } from '../../../jobs/types.ts';
import { bullLaneEnqueue, createRecrawlQueue, redisConnection } from '../../../workers/bullmq.ts';
import { createInProcessRunner } from '../../../workers/in-process.ts';
import { hostname } from 'node:os';
import { createPoliteFetcher } from '../../crawl/polite-fetcher.ts';
import { parseQuestionId } from '../../senate/urls.ts';
import type { Db } from '../../store/db.ts';
import { finishRun, type CrawlRun } from '../../store/runs.ts';
import { runChanges, runJobOutcomes, type RunChange } from '../../store/watch.ts';
import { UsageError, WorkFailedError } from '../../util/errors.ts';
import { createLogger } from '../../util/logger.ts';
import { configFor } from '../config.ts';
import { openStore } from '../context.ts';
import type { Io } from '../io.ts';
import { FIRST_WEB_LEGISLATURE } from '../options.ts';
import { summaryLine, watchRun } from '../progress.ts';
import { onShutdownSignals } from '../signals.ts';

/** Every id that is not a question id of an existing legislature, each with why; empty when all are good. */
export function badQuestionIds(ids: readonly string[], currentLegislature: number): string[] {
  const bad: string[] = [];
  for (const id of ids) {
    const parsed = parseQuestionId(id);
    if (/^\d{1,2}-0+$/.test(id)) bad.push(`${JSON.stringify(id)}: question numbers start at 1`);
    else if (!parsed || !/^\d{1,2}-\d{1,6}$/.test(id)) bad.push(`${JSON.stringify(id)} is not a question id (legislature-number, e.g. 8-123)`);
    else if (parsed.legislature < FIRST_WEB_LEGISLATURE || parsed.legislature > currentLegislature) {
      bad.push(`${JSON.stringify(id)}: legislature ${parsed.legislature} has no question pages (${FIRST_WEB_LEGISLATURE} to ${currentLegislature})`);
    }
  }
  return bad;
}

export async function recrawl(ids: string[], opts: { wait?: boolean }, io: Io): Promise<void> {
  const config = configFor(io);
  const bad = badQuestionIds(ids, config.currentLegislature);
  if (bad.length > 0) throw new UsageError(bad.join('; '));
  const logger = createLogger(config.logLevel);
  const db = await openStore(config, logger);
  const cleanups: (() => Promise<unknown>)[] = [() => db.close()];
  try {
    let run: CrawlRun;
    if (config.redisUrl) {
      const connection = redisConnection(config.redisUrl);
      const queue = createRecrawlQueue(connection, { prefix: config.queuePrefix });
      cleanups.unshift(async () => {
        await queue.close();
        await connection.quit();
      });
      const runId = await startRecrawlRun(db, bullLaneEnqueue(db, queue), ids, { runner: 'bullmq' });
      io.stdout.write(`run ${runId} queued: recrawl of ${ids.join(', ')} (ahead of crawls; workers: senate-questions worker)\n`);
      if (!opts.wait) return;
      run = await watchRun(db, runId, { out: io.stderr, intervalMs: 100 });
    } else {
      const fetcher = createPoliteFetcher({ config, logger, db });
      cleanups.unshift(() => fetcher.close());
      const runner = createInProcessRunner({ config, db, fetcher, logger, concurrency: config.workerConcurrency });
      cleanups.unshift(() => runner.close());
      const runId = await startRecrawlRun(db, (id, jobs) => runner.enqueue(id, jobs), ids, { runner: 'in-process', host: hostname(), pid: process.pid });
      const signals = onShutdownSignals({
        graceful(signal) {
          io.stderr.write(`\n${signal}: stopping run ${runId} (again to force)\n`);
          void runner.close();
        },
        forcing: () => logger.flush(),
      });
      cleanups.push(async () => signals.dispose());
      await runner.drain();
      if (signals.received) await finishRun(db, runId, 'cancelled', 'interrupted by a signal');
      run = await watchRun(db, runId, { out: io.stderr, intervalMs: 50 });
    }
    io.stdout.write(`${await describeChanges(db, run.id, ids)}${summaryLine(run)}\n`);
    if (run.status !== 'succeeded') throw new WorkFailedError(`run ${run.id} ended ${run.status}`);
  } finally {
    for (const c of cleanups) await c().catch((err: unknown) => logger.warn({ err }, 'cleanup failed'));
    logger.flush();
  }
}

/** Per question: the changes the run wrote, or its outcome (new, unchanged, missing, failed…). */
export async function describeChanges(db: Db, runId: number, ids: readonly string[]): Promise<string> {
  const changes = await runChanges(db, runId);
  const outcomes = await runJobOutcomes(db, runId);
  const byQuestion = new Map<string, RunChange[]>();
  for (const c of changes) byQuestion.set(c.questionId, [...(byQuestion.get(c.questionId) ?? []), c]);
  const lines: string[] = [];
  for (const id of [...new Set(ids)]) {
    const mine = byQuestion.get(id) ?? [];
    const outcome = outcomes.get(jobKey({ kind: 'fetch-question', data: { runId, id } })) ?? 'not run';
    if (mine.length === 0) {
      lines.push(`${id}: ${outcome}`);
      continue;
    }
    lines.push(`${id}: ${outcome}, ${mine.length} change(s)`);
    for (const c of mine) lines.push(`  ${c.field}${c.lang ? ` (${c.lang})` : ''}: ${short(c.oldValue)} -> ${short(c.newValue)}${c.kind === 'changed' ? '' : ` [${c.kind}]`}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

function short(v: unknown): string {
  if (v === null || v === undefined) return '(none)';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
