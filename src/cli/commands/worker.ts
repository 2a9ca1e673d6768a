/** `senate-questions worker`: one worker process of the BullMQ fleet, until SIGTERM/SIGINT. */
import { createQueues, createRecrawlQueue, redisConnection, startFleetWorker } from '../../../workers/bullmq.ts';
import { closeRedis, fetcherRedis, waitForRedis } from '../../../workers/redis.ts';
import { chromiumProblem } from '../../crawl/chromium-check.ts';
import { createPoliteFetcher } from '../../crawl/polite-fetcher.ts';
import { startWebhookLoop } from '../../notify/from-config.ts';
import { UsageError } from '../../util/errors.ts';
import { createLogger } from '../../util/logger.ts';
import { configFor } from '../config.ts';
import { openStore } from '../context.ts';
import type { Db } from '../../store/db.ts';
import type { Io } from '../io.ts';
import { onShutdownSignals } from '../signals.ts';

export async function worker(opts: { concurrency?: number; metricsPort?: number }, io: Io): Promise<void> {
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
  // Before the fleet: a port already taken stops the worker before it takes any job.
  const metrics = opts.metricsPort === undefined ? null : await startWorkerMetrics(db, redisUrl, config.queuePrefix, opts.metricsPort).catch(async (e: unknown) => {
    await db.close();
    signals.dispose();
    throw e;
  });
  if (metrics) io.stderr.write(`metrics on port ${metrics.port}: /metrics\n`);
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
    ['metrics', async () => metrics?.close()],
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

/** `--metrics-port`: /metrics and /healthz, with the queues' counts read from their own Redis connection. */
async function startWorkerMetrics(db: Db, redisUrl: string, prefix: string, port: number) {
  const { startMetricsServer } = await import('../../http/metrics-server.ts');
  const connection = redisConnection(redisUrl);
  const queues = [...Object.values(createQueues(connection, { prefix })), createRecrawlQueue(connection, { prefix })];
  const server = await startMetricsServer({ db, queues, redis: connection, port });
  return {
    port: server.port,
    async close() {
      await server.close();
      await Promise.all(queues.map((q) => q.close()));
      await closeRedis(connection);
    },
  };
}
