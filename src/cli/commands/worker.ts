import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { loadConfig } from '../../../config/index.ts';
import { startFleetWorker } from '../../../workers/bullmq.ts';
import { createPoliteFetcher } from '../../crawl/polite-fetcher.ts';
import { UsageError } from '../../util/errors.ts';
import { wholeNumber } from '../options.ts';
import { createLogger } from '../../util/logger.ts';
import { openStore } from '../context.ts';

export function register(program: Command): void {
  program
    .command('worker')
    .description('Run a worker process of the fleet (needs REDIS_URL); SIGTERM/SIGINT stop it gracefully, a second signal forces')
    .option('-c, --concurrency <n>', 'jobs at once (default WORKER_CONCURRENCY)', wholeNumber('--concurrency'))
    .action(async (opts: { concurrency?: number }) => {
      const config = loadConfig();
      if (!config.redisUrl) throw new UsageError('the worker needs REDIS_URL (without it, `senate-questions crawl` runs the jobs in-process)');
      const logger = createLogger(config.logLevel);
      const db = await openStore(config, logger);
      const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
      const fetcher = createPoliteFetcher({ config, redis, logger });
      const fleet = startFleetWorker({
        config,
        db,
        fetcher,
        logger,
        redisUrl: config.redisUrl,
        prefix: config.queuePrefix,
        concurrency: opts.concurrency ?? config.workerConcurrency,
        lockDurationMs: config.jobLockMs,
        stalledIntervalMs: Math.max(1_000, Math.floor(config.jobLockMs / 2)),
      });
      logger.info({ concurrency: opts.concurrency ?? config.workerConcurrency, pid: process.pid }, 'worker started');
      process.stderr.write(`worker ${process.pid} started\n`);

      await new Promise<void>((resolve) => {
        let signals = 0;
        const onSignal = (signal: NodeJS.Signals) => {
          signals++;
          if (signals > 1) {
            logger.warn({ signal }, 'second signal: forcing exit');
            logger.flush();
            process.exit(1);
          }
          logger.info({ signal, deadlineMs: config.shutdownTimeoutMs }, 'shutting down gracefully');
          const steps: [string, () => Promise<unknown>][] = [
            ['workers', () => fleet.close(config.shutdownTimeoutMs)],
            ['fetcher', () => fetcher.close()],
            ['redis', () => redis.quit()],
            ['database', () => db.close()],
          ];
          void (async () => {
            // Every cleanup runs even when one fails.
            for (const [name, step] of steps) await step().catch((err: unknown) => logger.error({ err, step: name }, 'cleanup failed'));
            logger.info('stopped');
            logger.flush();
            resolve();
          })();
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
      });
    });
}
