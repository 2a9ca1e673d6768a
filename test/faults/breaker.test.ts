/**
 * Fault suite: a few pages (about 3 %) that always fail must not keep opening the circuit
 * breaker that pauses every request to the Senate: their failures count per URL, and the
 * crawl goes on at its pace while they are retried and finally reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrawlRun } from '../../src/store/runs.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { openSchema, type TestSchema } from './harness/db.ts';
import { crawlInProcessWithin } from './harness/in-process.ts';
import { pageOf } from './harness/pages.ts';
import { startPostgres, type TestPostgres } from './harness/services.ts';
import { compareWithTruth, failedJobs } from './harness/truth.ts';

describe('when 3 % of the pages always fail (HTTP 500) and the rest of the Senate is healthy', () => {
  let pg: TestPostgres;
  let t: TestSchema;
  let fake: FakeSenate;
  let run: CrawlRun;
  let broken: string[];
  let timedOut: boolean;
  let elapsedMs: number;

  beforeAll(async () => {
    pg = await startPostgres();
    t = await openSchema(pg);
    fake = await startFakeSenate({ questions: { n: 60, legislature: 8, seed: 91 }, serving: 'varied', listingPageSize: 20 });
    // 4 of 120 question pages, one language each.
    broken = [fake.ids()[7]!, fake.ids()[23]!, fake.ids()[38]!, fake.ids()[51]!];
    for (const id of broken) fake.fault({ kind: 'status', status: 500, match: pageOf(id, 'nl') });
    // Job attempts 50 ms apart: any long silence in the request log is the breaker's pause.
    ({ run, timedOut, elapsedMs } = await crawlInProcessWithin(fake, t.db, 90_000, { env: { FETCH_RETRIES: '3' }, backoffMs: () => 50 }));
  }, 150_000);
  afterAll(async () => {
    await fake?.close();
    await t?.close();
    await pg?.close();
  });

  it('never pauses the crawl: it ends within 90 s, with no silence of 10 s between two requests to the Senate', () => {
    const times = fake.requests().map((r) => r.t).sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => ({ ms: Math.round(t - times[i]!), at: i + 1 }));
    const long = gaps.filter((g) => g.ms >= 10_000).map((g) => `${g.ms} ms before request ${g.at} of ${times.length}`);
    expect(long, 'pauses of the whole crawl').toEqual([]);
    expect(timedOut, `the run had not ended after ${Math.round(elapsedMs / 1000)} s`).toBe(false);
  });

  it('stores every other page, and ends partial naming each failing page', async () => {
    const report = await compareWithTruth(t.db, fake);
    expect(report).toEqual({ lost: broken.map((id) => `${id} nl`), duplicated: [], worse: [] });
    expect(run).toMatchObject({ status: 'partial', questionsFailed: broken.length });
    const failed = await failedJobs(t.db, run.id);
    // Sorted by job key (as failedJobs is), not by number: q-8-24 comes before q-8-8.
    const keys = broken.map((id) => `q-${id}`).sort();
    expect([...failed].sort()).toEqual(keys.map((key) => expect.stringMatching(new RegExp(`^${key}: failed: nl: HTTP 500`))));
  });
});
