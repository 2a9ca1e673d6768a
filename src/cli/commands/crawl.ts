/** `senate-questions crawl`: start a run, on the fleet (REDIS_URL) or in this process. */
import { describeRunning, startCrawlRun, startOrJoinCrawlRun } from '../../../jobs/start-run.ts';
import { bullEnqueue, createQueues, redisConnection } from '../../../workers/bullmq.ts';
import { watchFleet } from '../../../workers/fleet-watch.ts';
import { createInProcessRunner } from '../../../workers/in-process.ts';
import { RedisUnreachableError, waitForRedis } from '../../../workers/redis.ts';
import { chromiumProblem } from '../../crawl/chromium-check.ts';
import { createPoliteFetcher } from '../../crawl/polite-fetcher.ts';
import { CRAWL_END_DELIVERY_MS, deliverBeforeExit, reportLine } from '../../notify/from-config.ts';
import { cancelRun } from '../../store/run-recovery.ts';
import { UsageError, WorkFailedError } from '../../util/errors.ts';
import { createLogger } from '../../util/logger.ts';
import { circuitReader } from '../circuit.ts';
import { configFor } from '../config.ts';
import { openStore } from '../context.ts';
import type { Io } from '../io.ts';
import { FIRST_WEB_LEGISLATURE } from '../options.ts';
import { LiveLine, summaryLine, watchRun } from '../progress.ts';
import { onShutdownSignals } from '../signals.ts';

export interface CrawlOptions {
  legislature?: number[];
  all?: boolean;
  full?: boolean;
  wait?: boolean;
}

export async function crawl(opts: CrawlOptions, io: Io): Promise<void> {
  const config = configFor(io);
  if (opts.all && opts.legislature) throw new UsageError('give either --all or --legislature, not both');
  for (const l of opts.legislature ?? []) {
    if (l > config.currentLegislature) throw new UsageError(`legislature ${l} does not exist yet (CURRENT_LEGISLATURE is ${config.currentLegislature})`);
  }
  const legislatures = opts.all
    ? Array.from({ length: config.currentLegislature - FIRST_WEB_LEGISLATURE + 1 }, (_, i) => FIRST_WEB_LEGISLATURE + i)
    : (opts.legislature ?? [config.currentLegislature]);
  // In-process, the browser is needed now; on the fleet, each worker checks its own.
  if (config.fetchMode === 'browser' && !config.redisUrl) {
    const problem = await chromiumProblem(config.chromiumPath);
    if (problem) throw new UsageError(problem);
  }
  // On a terminal, log lines print above the progress bar, never inside it.
  const live = io.stderr.isTTY ? new LiveLine(io.stderr) : undefined;
  const logger = createLogger(config.logLevel, live ? live.logStream() : process.stderr);
  const db = await openStore(config, logger, { refuseIfBusy: true });
  const cleanups: (() => Promise<unknown>)[] = [() => db.close()];
  try {
    let runId: number;
    if (config.redisUrl) {
      // Fail within REDIS_CONNECT_TIMEOUT_MS, before a run is started, rather than hang with it `running`.
      await waitForRedis(config.redisUrl, {
        deadlineMs: config.redisConnectTimeoutMs,
        deadlineSetting: 'REDIS_CONNECT_TIMEOUT_MS',
        onWait: (line) => io.stderr.write(`${line}\n`),
      }).catch((e: unknown) => {
        throw e instanceof RedisUnreachableError ? new WorkFailedError(e.message) : e;
      });
      const connection = redisConnection(config.redisUrl);
      const queues = createQueues(connection, { prefix: config.queuePrefix });
      cleanups.unshift(async () => {
        await Promise.all(Object.values(queues).map((q) => q.close()));
        await connection.quit();
      });
      const started = await startOrJoinCrawlRun(db, bullEnqueue(db, queues), { legislatures, full: Boolean(opts.full), join: Boolean(opts.wait) });
      runId = started.runId;
      io.stdout.write(
        started.joined
          ? `${describeRunning(started.joined)} is already running: following it instead of starting another\n`
          : `run ${runId} queued for legislature(s) ${legislatures.join(', ')}; workers: senate-questions worker\n`,
      );
      if (!opts.wait) return;
      // Heal the run's lost jobs and say when no worker takes them.
      // On a terminal its notes print above the progress bar.
      const notes = live ? { write: (text: string) => live.log(text) } : io.stderr;
      const fleet = watchFleet({ db, queues, redis: connection, prefix: config.queuePrefix, runId, logger, out: notes });
      cleanups.unshift(() => fleet.close());
    } else {
      const fetcher = createPoliteFetcher({ config, logger, db });
      cleanups.unshift(() => fetcher.close());
      const runner = createInProcessRunner({ config, db, fetcher, logger, concurrency: config.workerConcurrency });
      cleanups.unshift(() => runner.close());
      runId = await startCrawlRun(db, (id, jobs) => runner.enqueue(id, jobs), { legislatures, full: Boolean(opts.full), runner: 'in-process' });
      // First SIGINT/SIGTERM: stop the jobs and close the embedded database cleanly; a second one forces.
      const signals = onShutdownSignals({
        graceful(signal) {
          logger.warn({ signal }, 'interrupted: stopping the run');
          io.stderr.write(`\n${signal}: stopping run ${runId} (again to force)\n`);
          void runner.close();
        },
        forcing: () => logger.flush(),
      });
      cleanups.push(async () => signals.dispose());
      const watching = watchRun(db, runId, { out: io.stderr, ...(live ? { live } : {}), circuit: () => fetcher.circuit() });
      watching.catch(() => undefined); // awaited below; must not count as unhandled meanwhile
      await runner.drain();
      // The jobs cut short count as cancelled with their run, not as failed.
      if (signals.received) await cancelRun(db, runId, 'interrupted by a signal');
      const run = await watching;
      io.stdout.write(`${summaryLine(run)}\n`);
      // No worker runs after an in-process crawl: deliver its events now, for a few seconds at most.
      const report = signals.received ? null : await deliverBeforeExit(config, db, logger, { deadlineMs: CRAWL_END_DELIVERY_MS });
      if (report) io.stderr.write(`${reportLine(report)}\n`);
      if (run.status !== 'succeeded') throw new WorkFailedError(endedLine(run));
      return;
    }
    const circuitOf = circuitReader(config);
    const run = await watchRun(db, runId, { out: io.stderr, ...(live ? { live } : {}), ...(circuitOf ? { circuit: circuitOf.read } : {}) }).finally(() => circuitOf?.close());
    io.stdout.write(`${summaryLine(run)}\n`);
    if (run.status !== 'succeeded') throw new WorkFailedError(endedLine(run));
  } finally {
    for (const c of cleanups) await c().catch((err: unknown) => logger.warn({ err }, 'cleanup failed'));
    logger.flush();
  }
}

/** "run 7 ended failed: the Senate at … (SENATE_BASE_URL) is unreachable: …" */
function endedLine(run: { id: number; status: string; error: string | null }): string {
  return `run ${run.id} ended ${run.status}${run.error ? `: ${run.error}` : ''}`;
}

