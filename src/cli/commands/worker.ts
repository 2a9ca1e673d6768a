/** `senate-questions worker`: one worker process of the BullMQ fleet, until SIGTERM/SIGINT. */
import { startFleetWorker } from '../../../workers/bullmq.ts';
import { closeRedis, fetcherRedis, waitForRedis } from '../../../workers/redis.ts';
import { chromiumProblem } from '../../crawl/chromium-check.ts';
import { createPoliteFetcher } from '../../crawl/polite-fetcher.ts';
import { startWebhookLoop } from '../../notify/from-config.ts';
import { UsageError } from '../../util/errors.ts';
import { createLogger } from '../../util/logger.ts';
import { configFor } from '../config.ts';
import { openStore } from '../context.ts';
import type { Io } from '../io.ts';
import { onShutdownSignals } from '../signals.ts';

export async function worker(opts: { concurrency?: number }, io: Io): Promise<void> {
  const config = configFor(io);
  if (!config.redisUrl) throw new UsageError('the worker needs REDIS_URL (without it, `senate-questions crawl` runs the jobs in-process)');
  const redisUrl = config.redisUrl;
  const chromium = config.fetchMode === 'browser' ? await chromiumProblem(config.chromiumPath) : null;
  if (chromium) throw new UsageError(chromium);
  const logger = createLogger(config.logLevel);
  // The first signal stops the worker whatever it is doing, waiting for Redis included.
  const stop = new AbortController();
  let stopped!: (signal: NodeJS.Signals) => void;
  const signalled = new Promise<NodeJS.Signals>((resolve) => (stopped = resolve));
  const signals = onShutdownSignals({
    graceful(signal) {
      logger.info({ signal, deadlineMs: config.shutdownTimeoutMs }, 'shutting down gracefully');
      stop.abort(new Error(`stopped by ${signal}`));
      stopped(signal);
    },
    forcing(signal) {
      logger.warn({ signal }, 'second signal: forcing exit');
      logger.flush();
    },
  });
  const db = await openStore(config, logger).catch((e: unknown) => {
    signals.dispose();
    throw e;
  });
  try {
    // Not a flood of reconnection errors: one line per attempt, the waits doubling up to 30 s.
    await waitForRedis(redisUrl, { signal: stop.signal, onWait: (line) => io.stderr.write(`worker ${process.pid}: ${line}\n`) });
  } catch (e) {
    await db.close().catch(() => undefined);
    signals.dispose();
    logger.flush();
    if (stop.signal.aborted) return;
    throw e;
  }
  const redis = fetcherRedis(redisUrl, logger);
  const fetcher = createPoliteFetcher({ config, redis, logger });
  const concurrency = opts.concurrency ?? config.workerConcurrency;
  const fleet = startFleetWorker({
    config,
    db,
    fetcher,
    logger,
    redisUrl,
    prefix: config.queuePrefix,
    concurrency,
    lockDurationMs: config.jobLockMs,
    stalledIntervalMs: Math.max(1_000, Math.floor(config.jobLockMs / 2)),
  });
  // Every worker delivers webhooks too: the outbox is shared, claims never overlap.
  const webhooks = startWebhookLoop(config, db, logger);
  logger.info({ concurrency, pid: process.pid }, 'worker started');
  io.stderr.write(`worker ${process.pid} started\n`);

  await signalled;
  const steps: [string, () => Promise<unknown>][] = [
    ['workers', () => fleet.close(config.shutdownTimeoutMs)],
    ['webhooks', () => webhooks.close()],
    ['fetcher', () => fetcher.close()],
    ['redis', () => closeRedis(redis)],
    ['database', () => db.close()],
  ];
  // Every cleanup runs even when one fails.
  for (const [name, step] of steps) await step().catch((err: unknown) => logger.error({ err, step: name }, 'cleanup failed'));
  signals.dispose();
  logger.info('stopped');
  logger.flush();
}
