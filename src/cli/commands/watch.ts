/**
 * `senate-questions watch [--every-min N]`: one answer-watch run now (the questions expecting an
 * answer soon, within WATCH_REQUESTS_PER_HOUR; see jobs/watch.ts). The fleet's `schedule`
 * installs it every 15 minutes; without Redis, this is what cron runs instead, in-process on the
 * embedded default. One run per minute at most (a second one in the same minute joins it), and
 * none while another watch still runs (recorded `skipped`).
 */
import { describeRunning } from '../../../jobs/start-run.ts';
import { startWatchRun } from '../../../jobs/watch.ts';
import { bullEnqueue, createQueues, redisConnection } from '../../../workers/bullmq.ts';
import { createInProcessRunner } from '../../../workers/in-process.ts';
import { closeRedis } from '../../../workers/redis.ts';
import { createPoliteFetcher } from '../../crawl/polite-fetcher.ts';
import { cancelRun } from '../../store/run-recovery.ts';
import { getRun } from '../../store/runs.ts';
import { WorkFailedError } from '../../util/errors.ts';
import { createLogger } from '../../util/logger.ts';
import { configFor } from '../config.ts';
import { openStore } from '../context.ts';
import type { Io } from '../io.ts';
import { summaryLine, watchRun } from '../progress.ts';
import { onShutdownSignals } from '../signals.ts';

/** The schedule id of watch runs started by this command (cron), apart from the fleet's `answer-watch`. */
export const COMMAND_WATCH_ID = 'watch-command';

export async function watch(opts: { everyMin?: number; wait?: boolean }, io: Io): Promise<void> {
  const config = configFor(io);
  const logger = createLogger(config.logLevel);
  const db = await openStore(config, logger, { refuseIfBusy: true });
  const cleanups: (() => Promise<unknown>)[] = [() => db.close()];
  const scheduledFor = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const request = { scheduleId: COMMAND_WATCH_ID, scheduledFor, intervalMs: (opts.everyMin ?? 15) * 60_000, now: new Date() };
  try {
    if (config.redisUrl) {
      const connection = redisConnection(config.redisUrl, { logger, label: 'watch' });
      const queues = createQueues(connection, { prefix: config.queuePrefix });
      cleanups.unshift(async () => {
        await Promise.all(Object.values(queues).map((q) => q.close()));
        await closeRedis(connection);
      });
      const admission = await startWatchRun(db, config, bullEnqueue(db, queues), { ...request, runner: 'bullmq' });
      io.stdout.write(`${describeAdmission(admission)}\n`);
      if (admission.outcome !== 'started' || !opts.wait) return;
      const run = await watchRun(db, admission.runId, { out: io.stderr });
      io.stdout.write(`${summaryLine(run)}\n`);
      if (run.status !== 'succeeded') throw new WorkFailedError(`run ${run.id} ended ${run.status}`);
      return;
    }
    const fetcher = createPoliteFetcher({ config, logger, db });
    cleanups.unshift(() => fetcher.close());
    const runner = createInProcessRunner({ config, db, fetcher, logger, concurrency: config.workerConcurrency });
    cleanups.unshift(() => runner.close());
    const admission = await startWatchRun(db, config, (id, jobs) => runner.enqueue(id, jobs), {
      ...request,
      runner: 'in-process',
    });
    io.stdout.write(`${describeAdmission(admission)}\n`);
    if (admission.outcome === 'skipped') return;
    // Started here, or joined (a run of this minute whose unfinished jobs were queued here again).
    const signals = onShutdownSignals({
      graceful(signal) {
        io.stderr.write(`\n${signal}: stopping watch run ${admission.runId} (again to force)\n`);
        void runner.close();
      },
      forcing: () => logger.flush(),
    });
    cleanups.push(async () => signals.dispose());
    await runner.drain();
    if (signals.received) await cancelRun(db, admission.runId, 'interrupted by a signal');
    const run = admission.outcome === 'started' && admission.jobs === 0 ? await getRun(db, admission.runId) : await watchRun(db, admission.runId, { out: io.stderr, intervalMs: 100 });
    if (run) io.stdout.write(`${summaryLine(run)}\n`);
    if (run && run.status !== 'succeeded') throw new WorkFailedError(`run ${run.id} ended ${run.status}`);
  } finally {
    for (const c of cleanups) await c().catch((err: unknown) => logger.warn({ err }, 'cleanup failed'));
    logger.flush();
  }
}

function describeAdmission(a: Awaited<ReturnType<typeof startWatchRun>>): string {
  const why = Object.entries(a.reasons)
    .map(([reason, n]) => `${n} ${reason.replaceAll('_', ' ')}`)
    .join(', ');
  switch (a.outcome) {
    case 'started':
      return `watch run ${a.runId}: ${a.jobs} question(s) to refetch${why ? ` (${why})` : ''}`;
    case 'skipped':
      return `watch skipped (run ${a.runId}): ${describeRunning(a.running)}`;
    default:
      return `watch run ${a.runId} was started this minute already: joining it`;
  }
}
