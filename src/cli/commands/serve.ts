/**
 * `senate-questions serve [--port 8080] [--host 127.0.0.1]`: the HTTP API, feeds and exports
 * until SIGTERM/SIGINT. On the embedded default it holds the embedded database while it runs
 * (one process at a time); with DATABASE_URL any number of servers, workers and crawls share it.
 * A recrawl asked through the API is queued for the fleet with REDIS_URL, else run in this process.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullEnqueue, createQueues, redisConnection } from '../../../workers/bullmq.ts';
import { createInProcessRunner } from '../../../workers/in-process.ts';
import { createPoliteFetcher } from '../../crawl/polite-fetcher.ts';
import { recrawlVia } from '../../http/recrawl.ts';
import { operationsPlugins } from '../../http/operations.ts';
import { buildServer } from '../../http/server.ts';
import { createLogger } from '../../util/logger.ts';
import { configFor } from '../config.ts';
import { openStore } from '../context.ts';
import type { Io } from '../io.ts';
import { onShutdownSignals } from '../signals.ts';

export interface ServeOptions {
  port?: number;
  host?: string;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';

export async function serve(opts: ServeOptions, io: Io): Promise<void> {
  const config = configFor(io);
  const logger = createLogger(config.logLevel);
  const db = await openStore(config, logger);
  const cleanups: [string, () => Promise<unknown>][] = [['database', () => db.close()]];
  const cleanup = async () => {
    // Every cleanup runs even when one fails.
    for (const [name, step] of cleanups) await step().catch((err: unknown) => logger.error({ err, step: name }, 'cleanup failed'));
    logger.flush();
  };
  try {
    let recrawl;
    let redis: Redis | undefined;
    let queueList: Queue[] = [];
    if (config.redisUrl) {
      const connection = redisConnection(config.redisUrl);
      redis = connection;
      const queues = createQueues(connection, { prefix: config.queuePrefix });
      queueList = Object.values(queues);
      cleanups.unshift(['queues', async () => {
        await Promise.all(Object.values(queues).map((q) => q.close()));
        await connection.quit();
      }]);
      recrawl = recrawlVia(db, bullEnqueue(db, queues));
    } else {
      const fetcher = createPoliteFetcher({ config, logger, db });
      const runner = createInProcessRunner({ config, db, fetcher, logger, concurrency: config.workerConcurrency });
      cleanups.unshift(['runner', () => runner.close()], ['fetcher', () => fetcher.close()]);
      recrawl = recrawlVia(db, (runId, jobs) => runner.enqueue(runId, jobs));
    }
    // The dashboard at the root, /metrics, /healthz and /readyz, and (with Redis) the read-only queue board.
    const plugins = operationsPlugins({ queues: queueList, redis: redis ?? null });
    const app = await buildServer({ db, config, logger, recrawl, redis, plugins });
    cleanups.unshift(['http', () => app.close()]);
    const address = await app.listen({ port: opts.port ?? DEFAULT_PORT, host: opts.host ?? DEFAULT_HOST });
    io.stderr.write(`listening on ${address} (API reference: ${address}/docs)\n`);
  } catch (e) {
    await cleanup();
    throw e;
  }
  await new Promise<void>((resolve) => {
    const signals = onShutdownSignals({
      graceful(signal) {
        logger.info({ signal }, 'shutting down');
        void cleanup().then(() => {
          signals.dispose();
          resolve();
        });
      },
      forcing: () => logger.flush(),
    });
  });
}
