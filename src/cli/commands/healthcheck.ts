/**
 * `senate-questions healthcheck`: the container's HEALTHCHECK. Cheap on purpose (one indexed
 * read, one PING): exit 0 when PostgreSQL answers on the migrated schema and, with REDIS_URL,
 * Redis answers; exit 1 saying what did not, within --timeout-ms. The embedded database is
 * not opened (the running process holds it; a second opener would fail): its data directory
 * must exist and be writable.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../../config/index.ts';
import { getRun } from '../../store/runs.ts';
import { WorkFailedError, coerceError } from '../../util/errors.ts';
import { configFor } from '../config.ts';
import { openDbFor } from '../context.ts';
import type { Io } from '../io.ts';

const DEFAULT_TIMEOUT_MS = 5_000;

export async function healthcheck(opts: { timeoutMs?: number }, io: Io): Promise<void> {
  const config = configFor(io);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const checks: [string, () => Promise<string>][] = [['database', () => checkDatabase(config, io)]];
  if (config.redisUrl) checks.push(['redis', () => checkRedis(config.redisUrl!, timeoutMs)]);
  const results = await Promise.all(checks.map(async ([name, check]) => [name, await withDeadline(check(), timeoutMs)] as const));
  const failed = results.filter(([, r]) => !r.ok);
  for (const [name, r] of results) io.stdout.write(`${name}: ${r.ok ? r.detail : `FAILED: ${r.detail}`}\n`);
  if (failed.length > 0) throw new WorkFailedError(`unhealthy: ${failed.map(([name]) => name).join(', ')}`);
}

async function checkDatabase(config: Config, io: Io): Promise<string> {
  if (!config.databaseUrl) {
    const dir = path.resolve(io.cwd, config.dataDir);
    accessSync(dir, constants.W_OK);
    return `embedded, ${dir} writable`;
  }
  const db = await openDbFor(config);
  try {
    await getRun(db, 0);
    return 'PostgreSQL answers';
  } finally {
    await db.close();
  }
}

async function checkRedis(url: string, timeoutMs: number): Promise<string> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // The failure is reported through connect(); without a listener ioredis also prints it.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return `Redis answers ${await redis.ping()}`;
  } finally {
    redis.disconnect();
  }
}

type Outcome = { ok: true; detail: string } | { ok: false; detail: string };

async function withDeadline(work: Promise<string>, timeoutMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([work.then((detail): Outcome => ({ ok: true, detail }), (e: unknown): Outcome => ({ ok: false, detail: coerceError(e).message })), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
