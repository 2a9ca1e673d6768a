import { Option, type Command } from 'commander';
import { loadConfig } from '../../../config/index.ts';
import { startCrawlRun, startOrJoinCrawlRun, describeRunning } from '../../../jobs/start-run.ts';
import { bullEnqueue, createQueues, redisConnection } from '../../../workers/bullmq.ts';
import { createInProcessRunner } from '../../../workers/in-process.ts';
import { createPoliteFetcher } from '../../crawl/polite-fetcher.ts';
import { finishRun } from '../../store/runs.ts';
import { UsageError, WorkFailedError } from '../../util/errors.ts';
import { createLogger } from '../../util/logger.ts';
import { openStore } from '../context.ts';
import { summaryLine, watchRun } from '../progress.ts';

/** Legislatures with question pages on senate.be (docs/anatomy.md: LEG 1–3 were printed bulletins). */
export const FIRST_WEB_LEGISLATURE = 4;

function legislatureArg(value: string, previous: number[] = []): number[] {
  const n = Number(value);
  if (!/^\d{1,2}$/.test(value) || n < 1) throw new UsageError(`--legislature takes a legislature number such as 8, not ${JSON.stringify(value)}`);
  return [...previous, n];
}

export function register(program: Command): void {
  program
    .command('crawl')
    .description('Start a crawl run: listing pages, new numbers, and the questions that can still change')
    .option('-l, --legislature <n>', 'a legislature to crawl (repeatable); default: the current one', legislatureArg)
    .option('--all', `every legislature from ${FIRST_WEB_LEGISLATURE} to the current one`)
    .option('--full', 'refetch every known question, closed legislatures included')
    .addOption(new Option('--wait', 'follow the run until it ends and print its summary (always on without REDIS_URL)'))
    .action(async (opts: { legislature?: number[]; all?: boolean; full?: boolean; wait?: boolean }) => {
      const config = loadConfig();
      if (opts.all && opts.legislature) throw new UsageError('give either --all or --legislature, not both');
      for (const l of opts.legislature ?? []) {
        if (l > config.currentLegislature) throw new UsageError(`legislature ${l} does not exist yet (CURRENT_LEGISLATURE is ${config.currentLegislature})`);
      }
      const legislatures = opts.all
        ? Array.from({ length: config.currentLegislature - FIRST_WEB_LEGISLATURE + 1 }, (_, i) => FIRST_WEB_LEGISLATURE + i)
        : (opts.legislature ?? [config.currentLegislature]);
      const logger = createLogger(config.logLevel);
      const db = await openStore(config, logger);
      const cleanups: (() => Promise<unknown>)[] = [() => db.close()];
      try {
        let runId: number;
        if (config.redisUrl) {
          const connection = redisConnection(config.redisUrl);
          const queues = createQueues(connection, { prefix: config.queuePrefix });
          cleanups.unshift(async () => {
            await Promise.all(Object.values(queues).map((q) => q.close()));
            await connection.quit();
          });
          const started = await startOrJoinCrawlRun(db, bullEnqueue(db, queues), { legislatures, full: Boolean(opts.full), join: Boolean(opts.wait) });
          runId = started.runId;
          process.stdout.write(started.joined ? `${describeRunning(started.joined)} is already running: following it instead of starting another\n` : `run ${runId} queued for legislature(s) ${legislatures.join(', ')}; workers: senate-questions worker\n`);
          if (!opts.wait) return;
        } else {
          const fetcher = createPoliteFetcher({ config, logger, db });
          cleanups.unshift(() => fetcher.close());
          const runner = createInProcessRunner({ config, db, fetcher, logger, concurrency: config.workerConcurrency });
          cleanups.unshift(() => runner.close());
          runId = await startCrawlRun(db, (id, jobs) => runner.enqueue(id, jobs), { legislatures, full: Boolean(opts.full), runner: 'in-process' });
          // First SIGINT/SIGTERM: stop the jobs and close the embedded database cleanly; a second one forces.
          let interrupted = false;
          const onSignal = (signal: NodeJS.Signals) => {
            if (interrupted) process.exit(1);
            interrupted = true;
            logger.warn({ signal }, 'interrupted: stopping the run');
            process.stderr.write(`\n${signal}: stopping run ${runId} (again to force)\n`);
            void runner.close();
          };
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);
          cleanups.push(async () => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
          });
          const watching = watchRun(db, runId);
          await runner.drain();
          if (interrupted) await finishRun(db, runId, 'cancelled', 'interrupted by a signal');
          const run = await watching;
          process.stdout.write(`${summaryLine(run)}\n`);
          if (run.status !== 'succeeded') throw new WorkFailedError(`run ${runId} ended ${run.status}`);
          return;
        }
        const run = await watchRun(db, runId);
        process.stdout.write(`${summaryLine(run)}\n`);
        if (run.status !== 'succeeded') throw new WorkFailedError(`run ${runId} ended ${run.status}`);
      } finally {
        for (const c of cleanups) await c().catch((err: unknown) => logger.warn({ err }, 'cleanup failed'));
        logger.flush();
      }
    });
}

