/**
 * The fleet's Redis connections, and what a process does while Redis is away: BullMQ's
 * connections wait for it without limit (BullMQ needs `maxRetriesPerRequest: null`); the
 * fetcher's (rate limiter, circuit breaker) rides out a restart of about half a minute and
 * then fails its command with an error isRetryable() calls transient; every connection says
 * once that Redis is gone and once that it is back, not once per reconnection attempt.
 * At start, `waitForRedis` probes with backoff and one line per step, or gives up at a deadline.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../src/util/logger.ts';
import { sleep } from '../src/util/sleep.ts';

/** Backoff between reconnection attempts: 200 ms more each time, at most 2 s. */
const reconnectDelay = (times: number): number => Math.min(times * 200, 2_000);

/** REDIS_URL without its password, for messages. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'REDIS_URL (unparseable)';
  }
}

/** One warning when a connection loses Redis and one line when it is back, instead of one error per attempt. */
export function reportRedisState(conn: Redis, logger: Logger | undefined, label: string): void {
  let down = false;
  conn.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger?.warn({ connection: label, err: err.message }, 'Redis connection lost: reconnecting');
  });
  conn.on('ready', () => {
    if (!down) return;
    down = false;
    logger?.info({ connection: label }, 'Redis connection back');
  });
}

/** A connection for BullMQ queues and workers: blocking commands, so every command waits for Redis however long. */
export function redisConnection(url: string, opts: { logger?: Logger; label?: string } = {}): Redis {
  const conn = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: reconnectDelay });
  reportRedisState(conn, opts.logger, opts.label ?? 'queue');
  return conn;
}

/**
 * The fetcher's connection (fleet rate limiter, circuit breaker). A command waits through 20
 * reconnection attempts (about 30 s: a Redis restart) and then fails with
 * MaxRetriesPerRequestError, which the job layer retries: a fetch must not hang without bound.
 */
export function fetcherRedis(url: string, logger?: Logger): Redis {
  const conn = new Redis(url, { maxRetriesPerRequest: 20, retryStrategy: reconnectDelay });
  reportRedisState(conn, logger, 'fetcher');
  return conn;
}

/** Redis did not answer before the deadline (the CLI exits 1 with this message). */
export class RedisUnreachableError extends Error {
  override readonly name = 'RedisUnreachableError';
}

/** One connection attempt and a PING, within `timeoutMs`; rejects with the reason. */
export async function pingRedis(url: string, timeoutMs: number): Promise<void> {
  const options: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, enableOfflineQueue: false };
  const conn = new Redis(url, options);
  // connect() rejects with "Connection is closed."; the 'error' event has the cause (ECONNREFUSED…).
  let cause: Error | null = null;
  conn.on('error', (err: Error) => (cause ??= err));
  let timer: NodeJS.Timeout | undefined;
  try {
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs)));
    await Promise.race([conn.connect().then(() => conn.ping()), late]).catch((e: unknown) => {
      throw cause ?? e;
    });
  } finally {
    clearTimeout(timer);
    conn.disconnect();
  }
}

export interface WaitForRedisOptions {
  /** give up (RedisUnreachableError) after this long, ms; unset: never */
  deadlineMs?: number;
  /** the setting that names the deadline, for the message (e.g. REDIS_CONNECT_TIMEOUT_MS) */
  deadlineSetting?: string;
  signal?: AbortSignal;
  /** first wait between attempts (default 1 s); doubles up to `maxDelayMs` (default 30 s) */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** one call per failed attempt, with a line for a person */
  onWait?(line: string): void;
}

/**
 * Waits until Redis answers a PING. Each failed attempt is reported once, with the URL, the
 * reason and the next wait; the waits double. Rejects when `signal` aborts or the deadline passes.
 */
export async function waitForRedis(url: string, opts: WaitForRedisOptions = {}): Promise<void> {
  const started = Date.now();
  const where = describeRedisUrl(url);
  let delay = opts.initialDelayMs ?? 1_000;
  for (;;) {
    opts.signal?.throwIfAborted();
    const left = opts.deadlineMs === undefined ? Infinity : opts.deadlineMs - (Date.now() - started);
    let reason: string;
    try {
      await pingRedis(url, Math.max(500, Math.min(5_000, left)));
      return;
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
    const remaining = opts.deadlineMs === undefined ? Infinity : opts.deadlineMs - (Date.now() - started);
    if (remaining <= 0) {
      throw new RedisUnreachableError(
        `Redis at REDIS_URL (${where}) is unreachable: ${reason}; gave up after ${Math.round((Date.now() - started) / 1000)} s` +
          (opts.deadlineSetting ? ` (${opts.deadlineSetting})` : '') +
          '. Start Redis, or fix REDIS_URL (unset, the crawl runs in-process).',
      );
    }
    const wait = Math.min(delay, remaining);
    opts.onWait?.(`Redis at REDIS_URL (${where}) is unreachable: ${reason}; trying again in ${formatSeconds(wait)}`);
    await sleep(wait, opts.signal);
    delay = Math.min(opts.maxDelayMs ?? 30_000, delay * 2);
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Closes a connection without waiting on a Redis that is away (QUIT would wait in the offline queue). */
export async function closeRedis(conn: Redis, timeoutMs = 2_000): Promise<void> {
  if (conn.status === 'end') return;
  if (conn.status !== 'ready') {
    conn.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), timeoutMs)));
  const done = await Promise.race([conn.quit().catch(() => 'failed' as const), late]);
  clearTimeout(timer);
  if (done !== 'OK') conn.disconnect();
}
