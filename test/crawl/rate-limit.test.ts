import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgRateLimiter } from '../../src/crawl/pg-rate-limiter.ts';
import { LocalRateLimiter, RedisRateLimiter, intervalMs, runScript, type RateLimiter } from '../../src/crawl/rate-limit.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { maxInWindow } from './test-server.ts';

let redis: Redis;
let pg: TestDb;
let pgDb: Db;

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false, maxRetriesPerRequest: 1 });
  pg = await pgTestDb();
  // Its own pool, large enough that callers do not queue for a connection.
  pgDb = await openDb({ databaseUrl: pg.url, schema: pg.schema, poolSize: 10 });
});

afterAll(async () => {
  await redis.quit();
  await pgDb.close();
  await pg.drop();
});

/** A limiter whose hosts are its own (a fresh budget), on a store shared with other tests. */
function ownHosts(limiter: RateLimiter): RateLimiter {
  const id = randomUUID();
  const h = (host: string) => `${id}/${host}`;
  return {
    acquire: (o) => limiter.acquire({ ...o, host: h(o.host) }),
    pauseUntil: (host, untilMs) => limiter.pauseUntil(h(host), untilMs),
    pausedUntil: (host) => limiter.pausedUntil(h(host)),
    close: () => limiter.close(),
  };
}

const variants: [string, (rate: number) => RateLimiter][] = [
  ['LocalRateLimiter', (rate) => new LocalRateLimiter({ ratePerSec: rate })],
  ['RedisRateLimiter', (rate) => new RedisRateLimiter({ redis, ratePerSec: rate, keyPrefix: `test-${randomUUID()}:` })],
  ['PgRateLimiter', (rate) => ownHosts(new PgRateLimiter({ db: pgDb, ratePerSec: rate }))],
];

describe('intervalMs', () => {
  it('is 1000/rate, raised by a longer Crawl-delay, never lowered by a shorter one', () => {
    expect(intervalMs(5)).toBe(200);
    expect(intervalMs(5, 1000)).toBe(1000);
    expect(intervalMs(5, 50)).toBe(200);
  });

  it('is 0 (unlimited) at rate 0 without Crawl-delay', () => {
    expect(intervalMs(0)).toBe(0);
  });
});

/**
 * On a loaded machine the moment a test sees a grant lags the grant by any amount, so these
 * tests never assert a gap between two grants. They assert what load cannot fake: a lower
 * bound on the time N grants take from the first call (the sustained rate), orderings (a
 * grant after a pause's end), and, over windows of a second or more, a count with room for
 * timer jitter that a limiter letting callers through in a burst would still exceed.
 */
/** Slack for the store's clock (Redis TIME, PostgreSQL now()) against this process's, and rounding. */
const CLOCK_SLACK_MS = 10;

describe.each(variants)('%s', (_name, make) => {
  describe('when many callers acquire at once', () => {
    it('sustains at most the rate: N grants take at least N-1 intervals, and no second holds a burst', async () => {
      const limiter = make(10); // 100 ms apart
      const n = 16;
      const times: number[] = [];
      const t0 = performance.now();
      await Promise.all(Array.from({ length: n }, () => limiter.acquire({ host: 'h' }).then(() => times.push(performance.now()))));
      expect(Math.max(...times) - t0).toBeGreaterThanOrEqual((n - 1) * 100 - CLOCK_SLACK_MS);
      expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(10 + 2);
    });
  });

  describe('when Crawl-delay is longer than the rate', () => {
    it('spaces requests by the Crawl-delay', async () => {
      const limiter = make(100);
      const t0 = performance.now();
      await limiter.acquire({ host: 'h', minIntervalMs: 300 });
      await limiter.acquire({ host: 'h', minIntervalMs: 300 });
      await limiter.acquire({ host: 'h', minIntervalMs: 300 });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(580);
    });
  });

  describe('when the rate is 0', () => {
    it('does not space requests: 20 grants take less than the 1.9 s that even 10 per second would', async () => {
      const limiter = make(0);
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) await limiter.acquire({ host: 'h' });
      expect(performance.now() - t0).toBeLessThan(1_900);
    });
  });

  describe('when the host is paused', () => {
    it('makes acquire wait past the pause, even at rate 0', async () => {
      const limiter = make(0);
      const until = Date.now() + 400;
      await limiter.pauseUntil('h', until);
      await limiter.acquire({ host: 'h' });
      expect(Date.now()).toBeGreaterThanOrEqual(until - CLOCK_SLACK_MS);
    });

    it('only ever extends a pause', async () => {
      const limiter = make(0);
      const longer = Date.now() + 10_000;
      await limiter.pauseUntil('h', longer);
      await limiter.pauseUntil('h', Date.now() + 100);
      expect(await limiter.pausedUntil('h')).toBeGreaterThanOrEqual(longer - CLOCK_SLACK_MS);
    });

    it('catches callers that were already waiting for their slot', async () => {
      const limiter = make(0.5); // 2 s apart
      await limiter.acquire({ host: 'h' });
      const waiting = limiter.acquire({ host: 'h' }); // its slot is in about 2 s
      await new Promise((r) => setTimeout(r, 200)); // it has reserved its slot (on a loaded machine, maybe not: then it waits anyway)
      const until = Date.now() + 4_000;
      await limiter.pauseUntil('h', until);
      await waiting;
      expect(Date.now()).toBeGreaterThanOrEqual(until - CLOCK_SLACK_MS);
    });

    it('pauses only that host', async () => {
      const limiter = make(0);
      const until = Date.now() + 10_000;
      await limiter.pauseUntil('h', until);
      await limiter.acquire({ host: 'other' });
      expect(Date.now()).toBeLessThan(until);
      expect(await limiter.pausedUntil('other')).toBeNull();
    });
  });

  describe('when the caller aborts while waiting', () => {
    it('rejects with the abort reason', async () => {
      const limiter = make(0);
      await limiter.pauseUntil('h', Date.now() + 10_000);
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('stop')), 50);
      await expect(limiter.acquire({ host: 'h', signal: ac.signal })).rejects.toThrow('stop');
    });
  });
});

describe('RedisRateLimiter', () => {
  describe('when two limiters share a key prefix (two processes)', () => {
    it('shares one budget between them', async () => {
      const prefix = `test-${randomUUID()}:`;
      const other = new Redis({ host: '127.0.0.1', port: 6379 });
      try {
        const a = new RedisRateLimiter({ redis, ratePerSec: 10, keyPrefix: prefix });
        const b = new RedisRateLimiter({ redis: other, ratePerSec: 10, keyPrefix: prefix });
        const n = 16;
        const times: number[] = [];
        const t0 = performance.now();
        await Promise.all(Array.from({ length: n }, (_, i) => (i % 2 ? a : b).acquire({ host: 'h' }).then(() => times.push(performance.now()))));
        expect(Math.max(...times) - t0).toBeGreaterThanOrEqual((n - 1) * 100 - CLOCK_SLACK_MS);
        expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(10 + 2);
      } finally {
        await other.quit();
      }
    });

    it('shares the pause', async () => {
      const prefix = `test-${randomUUID()}:`;
      const a = new RedisRateLimiter({ redis, ratePerSec: 0, keyPrefix: prefix });
      const b = new RedisRateLimiter({ redis, ratePerSec: 0, keyPrefix: prefix });
      const until = Date.now() + 300;
      await a.pauseUntil('h', until);
      await b.acquire({ host: 'h' });
      expect(Date.now()).toBeGreaterThanOrEqual(until - CLOCK_SLACK_MS);
    });
  });

  it('loads a script Redis has not seen yet (NOSCRIPT) instead of failing', async () => {
    // A unique script is certainly not cached; no SCRIPT FLUSH, other suites share this Redis.
    await expect(runScript(redis, `return 41 + 1 -- ${randomUUID()}`, [], [])).resolves.toBe(42);
  });
});
