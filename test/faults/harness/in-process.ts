/**
 * An in-process run against the fake Senate with a bound: like test/helpers/crawl-env.ts's
 * crawlInProcess, but a run that does not end in time is stopped (runner and fetcher closed)
 * and reported, so a case can state "ends within N s" without leaving work behind.
 */
import { startCrawlRun } from '../../../jobs/start-run.ts';
import type { Db } from '../../../src/store/db.ts';
import { getRun, type CrawlRun } from '../../../src/store/runs.ts';
import { silentLogger } from '../../../src/util/logger.ts';
import { createInProcessRunner } from '../../../workers/in-process.ts';
import type { FakeSenate } from '../../fake-senate/server.ts';
import { testConfig, testFetcher, type InProcessCrawl } from '../../helpers/crawl-env.ts';

export interface BoundedRun {
  run: CrawlRun;
  /** true when the run had not ended after the bound (it was then stopped). */
  timedOut: boolean;
  elapsedMs: number;
}

export async function crawlInProcessWithin(fake: FakeSenate, db: Db, timeoutMs: number, opts: InProcessCrawl = {}): Promise<BoundedRun> {
  const config = testConfig(fake, opts.env);
  const fetcher = testFetcher(config);
  const runner = createInProcessRunner({
    config,
    db,
    fetcher,
    logger: silentLogger,
    concurrency: opts.concurrency ?? 4,
    backoffMs: opts.backoffMs ?? (() => 50),
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
  });
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const runId = await startCrawlRun(db, (id, jobs) => runner.enqueue(id, jobs), { legislatures: opts.legislatures ?? [8], full: opts.full ?? false });
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), timeoutMs)));
    const outcome = await Promise.race([runner.drain().then(() => 'drained' as const), late]);
    return { run: (await getRun(db, runId))!, timedOut: outcome === 'late', elapsedMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
    await runner.close();
    await fetcher.close();
  }
}
