/**
 * Fault suite: runs that overlap. Two crawls, or two re-crawls, of the same legislature at
 * once must not fetch everything twice: the second is refused or joins the first, and says
 * so. Two crawls of different legislatures at once, in two processes sharing a database (or
 * a Redis), keep to ONE rate budget: CRAWL_RATE_PER_SEC is the total.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateQuestions } from '../fake-senate/generate.ts';
import { maxInWindow } from '../fake-senate/request-log.ts';
import type { CliProcess } from './harness/cli.ts';
import { newRunId, openCase, type Case } from './harness/fleet.ts';
import { QUESTION_PAGES } from './harness/pages.ts';
import { startPostgres, type TestPostgres } from './harness/services.ts';
import { allRuns, compareWithTruth, ledgerProblems, waitForRunEnd } from './harness/truth.ts';

const CLEAN = { lost: [], duplicated: [], worse: [] };
/** What the second crawl must say: that it refused to start, or that it joined the run already going. */
const REFUSED_OR_JOINED = /already running|already being crawled|joined|joining|refus/i;

/** Question pages asked for more than once, `url ×n`. */
function fetchedTwice(c: Case): string[] {
  const counts = new Map<string, number>();
  for (const r of c.fake.requests()) if (QUESTION_PAGES.test(r.url)) counts.set(r.url, (counts.get(r.url) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([url, n]) => `${url} ×${n}`);
}

describe('when runs overlap', () => {
  let pg: TestPostgres;
  let c: Case | undefined;

  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(() => pg?.close());
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  /** Starts `args` twice, the second once the first's run exists; both to their end. */
  async function twice(c: Case, args: string[], after: number): Promise<[CliProcess, CliProcess]> {
    const first = c.cli(args);
    await newRunId(c.t.db, after);
    const second = c.cli(args);
    for (const p of [first, second]) expect(await p.waitExit(120_000), p.describe()).not.toBeNull();
    return [first, second];
  }

  async function expectOneCrawl(c: Case, first: CliProcess, second: CliProcess) {
    expect(first.exit(), first.describe()).toEqual({ code: 0, signal: null });
    expect.soft(second.output(), `the second crawl says it was refused or joined: ${second.describe()}`).toMatch(REFUSED_OR_JOINED);
    expect.soft(fetchedTwice(c).length, `question pages fetched twice, e.g. ${fetchedTwice(c).slice(0, 3).join(', ')}`).toBe(0);
    expect(await compareWithTruth(c.t.db, c.fake)).toEqual(CLEAN);
    expect((await allRuns(c.t.db)).filter((r) => r.status === 'running').map((r) => r.id), 'runs left running').toEqual([]);
  }

  describe('in-process, on one PostgreSQL', () => {
    it('two crawls of the same legislature at once: the second is refused or joins, and no page is fetched twice', async () => {
      c = await openCase(pg, { n: 40, seed: 101 });
      const [first, second] = await twice(c, ['crawl'], 0);
      await expectOneCrawl(c, first, second);
    });

    it('two re-crawls (--full) at once: the second is refused or joins, and no page is fetched twice', async () => {
      c = await openCase(pg, { n: 40, seed: 102 });
      const initial = c.cli(['crawl']);
      expect(await initial.waitExit(120_000), initial.describe()).toEqual({ code: 0, signal: null });
      c.fake.configure({ validators: false });
      c.fake.clearRequests();
      const [first, second] = await twice(c, ['crawl', '--full'], 1);
      await expectOneCrawl(c, first, second);
    });

    it('two crawls of different legislatures at once keep to CRAWL_RATE_PER_SEC in total', async () => {
      c = await openCase(pg, { n: 30, seed: 103, env: { CRAWL_RATE_PER_SEC: '5' } });
      for (const q of generateQuestions(30, { legislature: 7, seed: 104 })) c.fake.addQuestion(q);
      const eight = c.cli(['crawl', '--legislature', '8']);
      await newRunId(c.t.db, 0);
      const seven = c.cli(['crawl', '--legislature', '7']);
      for (const p of [eight, seven]) expect(await p.waitExit(150_000), p.describe()).toEqual({ code: 0, signal: null });
      const log = c.fake.requests();
      // Both crawls were under way together for most of their length (a precondition of the measure).
      const legOf = (leg: number) => log.filter((r) => r.url.includes(`LEG=${leg}&`)).map((r) => r.t);
      const overlap = Math.min(Math.max(...legOf(7)), Math.max(...legOf(8))) - Math.max(Math.min(...legOf(7)), Math.min(...legOf(8)));
      expect(overlap, 'ms both crawls were fetching').toBeGreaterThan(5_000);
      // 5 per second over any 2 s window, one request of slack for a window's edges.
      expect(maxInWindow(log, 2_000), 'most requests in any 2 s').toBeLessThanOrEqual(11);
      expect(await compareWithTruth(c.t.db, c.fake)).toEqual(CLEAN);
      expect(await ledgerProblems(c.t.db)).toEqual([]);
    });
  });

  describe('on the fleet', () => {
    it('two crawls of the same legislature queued at once: the second is refused or joins, and no page is fetched twice', async () => {
      c = await openCase(pg, { n: 40, seed: 105, redis: { persistent: false } });
      await c.worker();
      const [first, second] = await twice(c, ['crawl', '--wait'], 0);
      await expectOneCrawl(c, first, second);
      const runs = await allRuns(c.t.db);
      await waitForRunEnd(c.t.db, runs[0]!.id, 60_000);
    });
  });
});
