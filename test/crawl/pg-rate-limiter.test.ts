import { afterEach, describe, expect, it } from 'vitest';
import { PgRateLimiter } from '../../src/crawl/pg-rate-limiter.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { pgTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/db.ts';
import { maxInWindow } from './test-server.ts';

describe('PgRateLimiter', () => {
  let t: TestDb | null = null;
  let other: Db | null = null;
  afterEach(async () => {
    await other?.close();
    await t?.drop();
    t = other = null;
  });

  /** Two limiters on two connection pools of one schema: two processes sharing a database. */
  async function twoProcesses(ratePerSec: number): Promise<[PgRateLimiter, PgRateLimiter]> {
    t = await pgTestDb();
    other = await openDb({ databaseUrl: TEST_DATABASE_URL, schema: t.schema, poolSize: 4 });
    return [new PgRateLimiter({ db: t.db, ratePerSec }), new PgRateLimiter({ db: other, ratePerSec })];
  }

  describe('when two processes share a database', () => {
    it('shares one budget between them', async () => {
      const [a, b] = await twoProcesses(10);
      // Sustained rate and long windows only: a grant is seen late by any amount on a loaded machine.
      const n = 20;
      const times: number[] = [];
      const t0 = performance.now();
      await Promise.all(Array.from({ length: n }, (_, i) => (i % 2 ? a : b).acquire({ host: 'h' }).then(() => times.push(performance.now()))));
      expect(Math.max(...times) - t0).toBeGreaterThanOrEqual((n - 1) * 100 - 10);
      expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(10 + 2);
    });

    it('shares a pause (Retry-After) set by either', async () => {
      const [a, b] = await twoProcesses(0);
      const until = Date.now() + 400;
      await a.pauseUntil('h', until);
      expect(await b.pausedUntil('h')).toBeGreaterThan(Date.now());
      await b.acquire({ host: 'h' });
      expect(Date.now()).toBeGreaterThanOrEqual(until - 10); // an ordering: granted after the pause ends
    });
  });
});
