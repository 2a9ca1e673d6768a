import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess, storedVersusTruth } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

const CHROMIUM = '/usr/bin/chromium';

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

// Without Chromium the crawl would only wait out its timeouts: skip, saying why (`.ci/run` installs it, and fails when it cannot).
describe.skipIf(!existsSync(CHROMIUM))(`a crawl with FETCH_MODE=browser (Playwright driving Chromium at ${CHROMIUM}; skipped when it is not installed)`, () => {
  let fake: FakeSenate;
  let http: TestDb;
  let browser: TestDb;

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
    const viaHttp = await crawlInProcess(fake, http.db, { env: { FETCH_MODE: 'http' }, concurrency: 2 });
    const viaBrowser = await crawlInProcess(fake, browser.db, { env: { FETCH_MODE: 'browser', CHROMIUM_PATH: CHROMIUM, FETCH_TIMEOUT_MS: '15000' }, concurrency: 2 });
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
