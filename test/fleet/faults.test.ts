import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrawlRun } from '../../src/store/runs.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess, storedVersusTruth } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

describe('a crawl while the Senate misbehaves on part of the requests', () => {
  let fake: FakeSenate;
  let t: TestDb;
  let run: CrawlRun;

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 30, legislature: 8, seed: 5 }, serving: 'varied', listingPageSize: 10 });
    t = await pgTestDb();
    const q = 'SchriftelijkeVraag';
    fake.fault({ kind: 'rate-limit', retryAfter: 1, match: q, fraction: 0.08, count: 3, seed: 1 });
    fake.fault({ kind: 'status', status: 500, match: q, fraction: 0.1, count: 6, seed: 2 });
    fake.fault({ kind: 'status', status: 503, match: 'SVListe', count: 1 });
    fake.fault({ kind: 'reset', match: q, fraction: 0.06, count: 3, seed: 3 });
    fake.fault({ kind: 'slow', delayMs: 2_500, match: q, fraction: 0.04, count: 2, seed: 4 });
    fake.fault({ kind: 'truncate', match: q, fraction: 0.04, count: 2, seed: 5 });
    run = await crawlInProcess(fake, t.db, { env: { FETCH_TIMEOUT_MS: '1000', FETCH_RETRIES: '4' }, backoffMs: () => 100 });
  }, 120_000);
  afterAll(async () => {
    await fake?.close();
    await t?.drop();
  });

  it('met every kind of fault it was given', () => {
    const faults = new Set(fake.requests().map((r) => r.fault?.split(/[ :(]/)[0]).filter(Boolean));
    expect([...faults].sort()).toEqual(['rate-limit', 'reset', 'slow', 'status', 'truncate']);
  });

  it('still completes, with every question stored as the ground truth has it', async () => {
    expect(run).toMatchObject({ status: 'succeeded', questionsNew: 30, questionsFailed: 0 });
    const { stored, truth } = await storedVersusTruth(t.db, fake);
    expect(stored).toEqual(truth);
  });

  it('waits out Retry-After before asking that page again, and pauses the other requests too', () => {
    const log = fake.requests();
    const limited = log.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const r of limited) {
      const again = log.find((x) => x.url === r.url && x.t > r.t);
      expect(again, r.url).toBeDefined();
      expect(again!.t - r.t).toBeGreaterThanOrEqual(1_000 - 5);
      // Requests already on the wire when the 429 arrived may land just after it; nothing new starts in the pause.
      const during = log.filter((x) => x.t > r.t + 300 && x.t < r.t + 950);
      expect(during.map((x) => `${x.url} +${Math.round(x.t - r.t)}ms after the 429 on ${r.url}`)).toEqual([]);
    }
  });

  it('counts every request the Senate saw, retries and robots.txt included', () => {
    expect(run.requests).toBe(fake.requests().length);
  });
});
