/** What every command that needs the database starts with: config, logger, a migrated Db. */
import type { Config } from '../../config/index.ts';
import { openDb, type Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { createLogger, type Logger } from '../util/logger.ts';
import { configFor } from './config.ts';
import { explainDatabaseError } from './database-error.ts';
import type { Io } from './io.ts';

export interface AppContext {
  config: Config;
  logger: Logger;
  db: Db;
}

/**
 * How long a short command (show, runs, migrate, the monitoring commands) waits for another
 * process to let go of the embedded database before it is refused (exit 1, naming the holder):
 * enough for a `show` or `runs` to finish.
 */
export const LOCK_WAIT_MS = 30_000;

export interface OpenOptions {
  logger?: Logger;
  /**
   * A long writer (crawl, reparse) does not queue behind another process: it is refused at
   * once, naming the holder, rather than starting minutes later than asked. Default false.
   */
  refuseIfBusy?: boolean;
}

export function openDbFor(config: Config, opts: OpenOptions = {}): Promise<Db> {
  return openDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
    lockWaitMs: opts.refuseIfBusy ? 0 : LOCK_WAIT_MS,
  });
}

export async function openStore(config: Config, logger: Logger, opts: Omit<OpenOptions, 'logger'> = {}): Promise<Db> {
  const db = await openDbFor(config, { ...opts, logger }).catch((e: unknown) => {
    throw explainDatabaseError(e, config.databaseUrl);
  });
  try {
    const { applied } = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'applied migrations');
  } catch (e) {
    await db.close().catch(() => undefined);
    throw explainDatabaseError(e, config.databaseUrl);
  }
  return db;
}

export async function withApp<T>(io: Io, fn: (ctx: AppContext) => Promise<T>, opts: Omit<OpenOptions, 'logger'> = {}): Promise<T> {
  const config = configFor(io);
  const logger = createLogger(config.logLevel);
  const db = await openStore(config, logger, opts);
  try {
    return await fn({ config, logger, db });
  } finally {
    await db.close();
    logger.flush();
  }
}
