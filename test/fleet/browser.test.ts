import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrawlRun } from '../../jobs/start-run.ts';
import { getRun } from '../../src/store/runs.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { createInProcessRunner } from '../../workers/in-process.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { storedVersusTruth, testConfig, testFetcher } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

/** Chromium processes whose ancestry leads to this test process. */
function ourChromiums(): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' });
  const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm: comm ?? '' }));
  const parent = new Map(rows.map((r) => [r.pid, r.ppid]));
  const descends = (pid: number) => {
    for (let p = pid, i = 0; p > 1 && i < 50; p = parent.get(p) ?? 0, i++) if (p === process.pid) return true;
    return false;
  };
  return rows.filter((r) => /chrom/i.test(r.comm) && descends(r.pid)).map((r) => r.pid);
}

describe('a crawl with FETCH_MODE=browser (Playwright driving Chromium)', () => {
  let fake: FakeSenate;
  let http: TestDb;
  let browser: TestDb;

  async function crawl(db: TestDb, env: Record<string, string>) {
    const config = testConfig(fake, env);
    const fetcher = testFetcher(config);
    const runner = createInProcessRunner({ config, db: db.db, fetcher, logger: silentLogger, concurrency: 2 });
    try {
      const runId = await startCrawlRun(db.db, (id, jobs) => runner.enqueue(id, jobs), { legislatures: [8], full: false });
      await runner.drain();
      return (await getRun(db.db, runId))!;
    } finally {
      await runner.close();
      await fetcher.close();
    }
  }

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 6, legislature: 8, seed: 21 }, serving: 'varied' });
    [http, browser] = await Promise.all([pgTestDb(), pgTestDb()]);
  });
  afterAll(async () => {
    await fake?.close();
    await http?.drop();
    await browser?.drop();
  });

  it('stores the same records as the HTTP fetcher, and leaves no Chromium process behind', async () => {
    const viaHttp = await crawl(http, { FETCH_MODE: 'http' });
    const viaBrowser = await crawl(browser, { FETCH_MODE: 'browser', FETCH_TIMEOUT_MS: '15000' });
    expect(viaHttp).toMatchObject({ status: 'succeeded', questionsNew: 6 });
    expect(viaBrowser).toMatchObject({ status: 'succeeded', questionsNew: 6, questionsFailed: 0 });
    const a = await storedVersusTruth(http.db, fake);
    const b = await storedVersusTruth(browser.db, fake);
    expect(b.stored).toEqual(a.stored);
    expect(b.stored).toEqual(b.truth);
    const agents = new Set(fake.requests().map((r) => r.userAgent));
    expect([...agents].every((ua) => ua?.startsWith('senate-questions/'))).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(ourChromiums()).toEqual([]);
  });
});
