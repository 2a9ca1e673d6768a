/**
 * The fetcher the rest of the program uses. Per request: the circuit breaker (and its probe,
 * robots.txt, when this caller is granted it), robots.txt,
 * the fleet-wide rate budget (before EVERY request sent: each attempt, each redirect hop,
 * robots.txt), one transport attempt, classification, and retries with p-retry
 * (exponential backoff with jitter) on retryable errors only. A Retry-After pauses the
 * whole fleet at least that long; repeated server failures open the fleet's circuit.
 *
 * Retry layers (STYLE.md: at most two): p-retry here for a transient failure of one
 * request; the job's BullMQ attempts for everything `isRetryable` that outlives these
 * retries, including a long Retry-After, an open circuit and an unreachable robots.txt,
 * which are NOT waited out here (they are thrown at once so the job can be delayed).
 */
import pRetry, { AbortError } from 'p-retry';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/index.ts';
import type { Db } from '../store/db.ts';
import { coerceError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import { LocalCircuitBreaker, PgCircuitBreaker, RedisCircuitBreaker, type CircuitBreaker, type CircuitBreakerOptions, type CircuitInfo } from './circuit-breaker.ts';
import {
  CircuitOpenError,
  HttpStatusError,
  OffHostRequestError,
  RobotsUnreachableError,
  SenateUnreachableError,
  isHostFailure,
  isRetryable,
  isServerFailure,
  retryAfterMs,
} from './errors.ts';
import { once, type FetchRequest, type FetchResponse, type Fetcher } from './fetcher.ts';
import { PgRateLimiter } from './pg-rate-limiter.ts';
import { LocalRateLimiter, RedisRateLimiter, type RateLimiter } from './rate-limit.ts';
import { RobotsChecker } from './robots.ts';
import { createTransport } from './transport.ts';

export type PoliteFetcherConfig = Pick<
  Config,
  'senateBaseUrl' | 'crawlRatePerSec' | 'crawlerContact' | 'fetchTimeoutMs' | 'connectTimeoutMs' | 'maxBodyBytes' | 'fetchRetries' | 'fetchMode' | 'chromiumPath' | 'queuePrefix'
> &
  Partial<Pick<Config, 'senateGiveUpMs'>>;

export interface PoliteFetcherOptions {
  config: PoliteFetcherConfig;
  /** Shared fleet state (rate budget, pause, circuit, robots cache). Null/absent: in-process state only. Not closed by us. */
  redis?: Redis | null;
  /**
   * Without Redis, a PostgreSQL database shared with other processes carries the rate budget
   * and its pauses (PgRateLimiter), so that crawls in several processes stay within one
   * budget. The embedded database (one process) keeps the in-process limiter. Not closed by us.
   */
  db?: Db | null;
  logger: Logger;
  /** One-attempt transport. Default: `createTransport(config)`. The polite fetcher owns it and closes it. */
  transport?: Fetcher;
  /** Redis key prefix shared by the fleet. Default `${config.queuePrefix}:crawl:`. */
  keyPrefix?: string;
  /** Override the rate limiter / circuit breaker (tests, embedding). */
  limiter?: RateLimiter;
  breaker?: CircuitBreaker;
  circuit?: CircuitBreakerOptions;
  retry?: {
    /** First backoff, ms. Default 1 000. */
    minTimeoutMs?: number;
    /** Longest backoff, ms. Default 30 000. */
    maxTimeoutMs?: number;
    /** Default 2. */
    factor?: number;
    /** A Retry-After longer than this (ms) is not waited out in-process; the error goes to the job layer. Default 120 000. */
    maxRetryAfterMs?: number;
  };
  /** Longest wait for an open circuit before throwing CircuitOpenError, ms. Default 60 000. */
  maxCircuitWaitMs?: number;
  robots?: {
    /** Default true. False only for tests of other concerns. */
    enabled?: boolean;
    ttlMs?: number;
    unreachableTtlMs?: number;
  };
}

export interface PoliteFetcherStats {
  /** HTTP requests sent: attempts + redirect hops + robots.txt reads. */
  requests: number;
  /** Responses that were 304 Not Modified. */
  notModified: number;
  /** Body bytes received (decompressed). */
  bytes: number;
  /** Attempts after the first, over all requests. */
  retries: number;
  redirects: number;
  robotsFetches: number;
  /** fetch() calls that ended in an error. */
  failures: number;
  /** Time spent waiting for the rate budget, ms. */
  rateWaitMs: number;
}

export interface PoliteFetcher extends Fetcher {
  stats(): PoliteFetcherStats;
  circuit(): Promise<CircuitInfo>;
}

export function createPoliteFetcher(opts: PoliteFetcherOptions): PoliteFetcher {
  return new PoliteFetcherImpl(opts);
}

class PoliteFetcherImpl implements PoliteFetcher {
  private readonly host: string;
  private readonly transport: Fetcher;
  private readonly limiter: RateLimiter;
  private readonly breaker: CircuitBreaker;
  private readonly robots: RobotsChecker | null;
  private readonly log: Logger;
  private readonly counters: PoliteFetcherStats = { requests: 0, notModified: 0, bytes: 0, retries: 0, redirects: 0, robotsFetches: 0, failures: 0, rateWaitMs: 0 };
  readonly close: () => Promise<void>;

  constructor(private readonly opts: PoliteFetcherOptions) {
    const { config, redis } = opts;
    this.host = new URL(config.senateBaseUrl).hostname.toLowerCase();
    this.log = opts.logger.child({ component: 'polite-fetcher' });
    const prefix = opts.keyPrefix ?? `${config.queuePrefix}:crawl:`;
    this.transport = opts.transport ?? createTransport(config, opts.logger);
    this.limiter =
      opts.limiter ??
      (redis
        ? new RedisRateLimiter({ redis, ratePerSec: config.crawlRatePerSec, keyPrefix: prefix })
        : opts.db?.kind === 'pg'
          ? new PgRateLimiter({ db: opts.db, ratePerSec: config.crawlRatePerSec })
          : new LocalRateLimiter({ ratePerSec: config.crawlRatePerSec }));
    const circuit = { ...(config.senateGiveUpMs !== undefined ? { giveUpMs: config.senateGiveUpMs } : {}), ...opts.circuit };
    this.breaker =
      opts.breaker ??
      (redis
        ? new RedisCircuitBreaker(redis, prefix, circuit)
        : opts.db?.kind === 'pg'
          ? new PgCircuitBreaker(opts.db, circuit)
          : new LocalCircuitBreaker(circuit));
    this.robots =
      opts.robots?.enabled === false
        ? null
        : new RobotsChecker({
            fetchRobots: (url, meter) => this.fetchRobots(url, meter),
            redis: redis ?? null,
            keyPrefix: prefix,
            ttlMs: opts.robots?.ttlMs,
            unreachableTtlMs: opts.robots?.unreachableTtlMs,
            logger: opts.logger,
          });
    this.close = once(async () => {
      const results = await Promise.allSettled([this.transport.close(), this.limiter.close(), this.breaker.close()]);
      for (const r of results) if (r.status === 'rejected') this.log.warn({ err: coerceError(r.reason) }, 'cleanup failed while closing');
    });
  }

  stats(): PoliteFetcherStats {
    return { ...this.counters };
  }

  /** The fleet's circuit for the Senate's host (progress lines, `runs`). */
  circuit(): Promise<CircuitInfo> {
    return this.breaker.info(this.host);
  }

  async fetch(req: FetchRequest): Promise<FetchResponse> {
    const url = new URL(req.url);
    if (url.hostname.toLowerCase() !== this.host) throw new OffHostRequestError(req.url, this.host);
    const log = this.log.child({ url: req.url });
    const retry = this.opts.retry ?? {};
    const maxRetryAfterMs = retry.maxRetryAfterMs ?? 120_000;
    try {
      return await pRetry((attempt) => this.attempt(req, attempt, log), {
        retries: this.opts.config.fetchRetries,
        minTimeout: retry.minTimeoutMs ?? 1_000,
        maxTimeout: retry.maxTimeoutMs ?? 30_000,
        factor: retry.factor ?? 2,
        randomize: true,
        signal: req.signal,
        shouldRetry: ({ error }) => isRetryable(error) && (retryAfterMs(error) ?? 0) <= maxRetryAfterMs,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => logAttemptFailure(log, error, attemptNumber, retriesLeft),
      });
    } catch (err) {
      this.counters.failures++;
      throw err;
    }
  }

  private async attempt(req: FetchRequest, attempt: number, log: Logger): Promise<FetchResponse> {
    if (attempt > 1) this.counters.retries++;
    const signal = req.signal;
    try {
      const permit = await this.breaker.permit(this.host, { signal, maxWaitMs: this.opts.maxCircuitWaitMs ?? 60_000 });
      if (permit === 'probe') await this.probe(req.meter);
    } catch (err) {
      // Not worth retrying in-process: the job layer delays itself by retryAfterMs(err).
      if (err instanceof CircuitOpenError) throw new AbortError(err);
      if (err instanceof SenateUnreachableError) throw new AbortError(this.naming(err));
      throw err;
    }
    let crawlDelayMs: number | null = null;
    if (this.robots) {
      try {
        ({ crawlDelayMs } = await this.robots.check(req.url, req.meter));
      } catch (err) {
        if (err instanceof RobotsUnreachableError) throw new AbortError(await this.soonerRetry(err));
        throw err; // RobotsDisallowedError: not retryable, p-retry stops on it
      }
    }
    await this.acquire(signal, crawlDelayMs);
    if (req.meter) req.meter.requests++;
    try {
      const res = await this.transport.fetch({
        url: req.url,
        validators: req.validators ?? null,
        ...(signal ? { signal } : {}),
        beforeRedirect: async (hopUrl) => {
          await this.acquire(signal, crawlDelayMs);
          if (req.meter) req.meter.requests++;
          this.counters.redirects++;
          log.debug({ location: hopUrl }, 'redirect hop');
        },
      });
      await this.onResponse(res);
      return { ...res, attempts: attempt };
    } catch (err) {
      await this.onFailure(err, log, req.url);
      throw err;
    }
  }

  /**
   * This caller holds the half-open circuit's probe: robots.txt, read again (it refreshes the
   * robots cache too). Its outcome closes or re-opens the circuit (onResponse / onFailure);
   * when it did not close it, this request does not go out either.
   */
  private async probe(meter: { requests: number } | undefined): Promise<void> {
    const robotsUrl = `${new URL(this.opts.config.senateBaseUrl).origin}/robots.txt`;
    this.log.info({ url: robotsUrl }, 'circuit half-open: probing the Senate with robots.txt');
    const answered = this.robots
      ? (await this.robots.refresh(robotsUrl, meter)).kind !== 'unreachable'
      : await this.fetchRobots(robotsUrl, meter).then(
          () => true,
          (err: unknown) => !isServerFailure(err),
        );
    // Any answer but a server failure closes it (onResponse/onFailure did already, except for answers they do not count).
    if (answered) await this.breaker.recordSuccess(this.host);
    if ((await this.breaker.status(this.host)) === 'closed') {
      this.log.warn('circuit closed: the Senate answers again');
      return;
    }
    // Still failing: this request waits like every other (CircuitOpenError), or gives up.
    await this.breaker.permit(this.host, { maxWaitMs: 0 });
  }

  /** The breaker knows the host; the user knows SENATE_BASE_URL. */
  private naming(err: SenateUnreachableError): SenateUnreachableError {
    return new SenateUnreachableError(this.opts.config.senateBaseUrl, err.sinceMs, err.reason, err.giveUpMs, { cause: err });
  }

  /**
   * robots.txt unreachable means no crawling until it is read again (RFC 9309); the circuit
   * knows better when that is worth trying (its next probe, or giving up): the job layer comes
   * back then rather than after the robots cache's own delay.
   */
  private async soonerRetry(err: RobotsUnreachableError): Promise<RobotsUnreachableError> {
    const info = await this.breaker.info(this.host).catch(() => null);
    if (!info || info.state === 'closed' || info.untilMs === null) return err;
    const giveUpAt = info.sinceMs !== null ? info.sinceMs + (this.opts.config.senateGiveUpMs ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
    const untilMs = Math.max(Date.now(), Math.min(err.untilMs, info.untilMs, giveUpAt));
    return untilMs < err.untilMs ? new RobotsUnreachableError(err.url, err.robotsUrl, untilMs, { cause: err }) : err;
  }

  private async acquire(signal: AbortSignal | undefined, crawlDelayMs: number | null): Promise<void> {
    const waited = await this.limiter.acquire({ host: this.host, minIntervalMs: crawlDelayMs ?? 0, ...(signal ? { signal } : {}) });
    this.counters.rateWaitMs += waited;
    this.counters.requests++;
  }

  private async onResponse(res: FetchResponse): Promise<void> {
    if (res.notModified) this.counters.notModified++;
    this.counters.bytes += res.body.length;
    await this.breaker.recordSuccess(this.host);
  }

  /**
   * Feeds a failure to the fleet: Retry-After → fleet pause; server failure → circuit breaker
   * (and its pause). robots.txt failing is the host failing (`robots`: a confirmed failure).
   */
  private async onFailure(err: unknown, log: Logger, url: string, robots = false): Promise<void> {
    try {
      const after = err instanceof HttpStatusError ? err.retryAfterMs : null;
      if (after !== null && after > 0) {
        await this.limiter.pauseUntil(this.host, Date.now() + after);
        log.warn({ status: (err as HttpStatusError).status, retryAfterMs: after }, 'server asked us to wait: pausing the fleet');
      }
      if (isServerFailure(err)) {
        const kind = robots ? 'confirmed' : isHostFailure(err) ? 'host' : 'page';
        const { openedUntilMs } = await this.breaker.recordFailure(this.host, { url, kind, reason: coerceError(err).message });
        if (openedUntilMs !== null && openedUntilMs > Date.now()) {
          await this.limiter.pauseUntil(this.host, openedUntilMs);
          log.error({ untilMs: openedUntilMs, err: coerceError(err).message }, 'circuit opened: the Senate does not answer, pausing the fleet');
        } else if (openedUntilMs !== null) {
          log.warn({ err: coerceError(err).message }, 'the Senate may be down: probing it with robots.txt');
        }
      } else if (err instanceof HttpStatusError && err.status !== 429) {
        await this.breaker.recordSuccess(this.host); // a 404 is a healthy server saying no
      }
    } catch (bookkeeping) {
      log.error({ err: coerceError(bookkeeping) }, 'recording a failure failed');
    }
  }

  /** robots.txt: one attempt, charged to the budget, no caller signal (a caller's abort must not be cached as "unreachable"). */
  private async fetchRobots(robotsUrl: string, meter?: { requests: number }): Promise<FetchResponse> {
    const log = this.log.child({ url: robotsUrl });
    await this.acquire(undefined, null);
    this.counters.robotsFetches++;
    if (meter) meter.requests++;
    try {
      const res = await this.transport.fetch({
        url: robotsUrl,
        beforeRedirect: async () => {
          await this.acquire(undefined, null);
          if (meter) meter.requests++;
          this.counters.redirects++;
        },
      });
      await this.onResponse(res);
      return res;
    } catch (err) {
      await this.onFailure(err, log, robotsUrl, true);
      throw err;
    }
  }
}

/**
 * One line per failed attempt, without a stack: our fetch errors say all in their message. An
 * expected outcome (a number that does not exist: 404/410, while probing or not) is debug;
 * what will be retried is info; what ends the request is warn.
 */
function logAttemptFailure(log: Logger, error: Error, attempt: number, retriesLeft: number): void {
  const status = error instanceof HttpStatusError ? error.status : undefined;
  const fields = { err: error.message, ...(status !== undefined ? { status } : {}), attempt };
  if (status === 404 || status === 410) log.debug(fields, 'no such page');
  else if (isRetryable(error) && retriesLeft > 0) log.info({ ...fields, retriesLeft }, 'fetch attempt failed; retrying');
  else log.warn(fields, 'fetch failed');
}
