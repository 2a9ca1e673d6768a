/**
 * `senate-questions serve [--port 8080] [--host 127.0.0.1]`: the HTTP API, feeds and exports,
 * the dashboard, /metrics, /healthz and /readyz (and, with REDIS_URL, Bull Board at
 * /admin/queues) until SIGTERM/SIGINT. On the embedded default it holds the embedded database
 * while it runs (one process at a time); with DATABASE_URL any number of servers, workers and
 * crawls share it. A recrawl asked through the API goes to the fleet's recrawl lane with
 * REDIS_URL, else runs in this process.
 */
import { hostname } from 'node:os';
import { bullLaneEnqueue, createQueues, createRecrawlQueue } from '../../../workers/bullmq.ts';
import { createInProcessRunner } from '../../../workers/in-process.ts';
import { closeRedis, redisConnection } from '../../../workers/redis.ts';
import { createPoliteFetcher } from '../../crawl/polite-fetcher.ts';
import { operationsPlugins } from '../../http/operations.ts';
import { recrawlVia, type Recrawler } from '../../http/recrawl.ts';
import { buildServer, type ServerPlugin } from '../../http/server.ts';
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
    let recrawl: Recrawler;
    // The dashboard at the root, /metrics, /healthz and /readyz, and (with Redis) the read-only queue board.
    let plugins: ServerPlugin[];
    if (config.redisUrl) {
      const connection = redisConnection(config.redisUrl, { logger, label: 'serve' });
      const queues = [...Object.values(createQueues(connection, { prefix: config.queuePrefix }))];
      const recrawlQueue = createRecrawlQueue(connection, { prefix: config.queuePrefix });
      cleanups.unshift([
        'queues',
        async () => {
          await Promise.all([...queues, recrawlQueue].map((q) => q.close()));
          await closeRedis(connection);
        },
      ]);
      recrawl = recrawlVia(db, bullLaneEnqueue(db, recrawlQueue), { runner: 'bullmq' });
      plugins = operationsPlugins({ queues: [...queues, recrawlQueue], redis: connection });
    } else {
      const fetcher = createPoliteFetcher({ config, logger, db });
      const runner = createInProcessRunner({ config, db, fetcher, logger, concurrency: config.workerConcurrency });
      cleanups.unshift(['runner', () => runner.close()], ['fetcher', () => fetcher.close()]);
      recrawl = recrawlVia(db, (runId, jobs) => runner.enqueue(runId, jobs), { runner: 'in-process', host: hostname(), pid: process.pid });
      plugins = operationsPlugins();
    }
    const app = await buildServer({ db, config, logger, recrawl, plugins });
    cleanups.unshift(['http', () => app.close()]);
    const address = await app.listen({ port: opts.port ?? DEFAULT_PORT, host: opts.host ?? DEFAULT_HOST });
    io.stderr.write(`listening on ${address} (dashboard: ${address}/, API reference: ${address}/docs)\n`);
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
