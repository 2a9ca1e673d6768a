import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startCrawlRun } from '../../jobs/start-run.ts';
import { createPoliteFetcher } from '../../src/crawl/polite-fetcher.ts';
import { getRun } from '../../src/store/runs.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { bullEnqueue, createQueues, startFleetWorker, type FleetWorker } from '../../workers/bullmq.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess, testConfig } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { TEST_REDIS_URL, waitForRun } from '../helpers/fleet.ts';
import { runCli } from './run-cli.ts';

describe('senate-questions recrawl', () => {
  let fake: FakeSenate | undefined;
  let t: TestDb | undefined;
  let cleanups: (() => Promise<unknown>)[] = [];

  afterEach(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    cleanups = [];
    await t?.drop();
    t = undefined;
    await fake?.close();
    fake = undefined;
  });

  describe('with bad ids', () => {
    it('exits 2 naming every bad one, before touching anything', async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'sq-recrawl-'));
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      const r = await runCli(['recrawl', '8-x', '99-1', '8-0', '8-12'], { env: { DATA_DIR: dataDir } });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'error: "8-x" is not a question id (legislature-number, e.g. 8-123); "99-1": legislature 99 has no question pages (4 to 8); "8-0": question numbers start at 1\n',
      );
      expect(r.stderr).not.toContain('"8-12"');
      const none = await runCli(['recrawl'], { env: { DATA_DIR: dataDir } });
      expect(none.code).toBe(2);
    });
  });

  async function crawled(n: number) {
    fake = await startFakeSenate({ questions: { n, legislature: 8, seed: 23 }, serving: 'varied', listingPageSize: 20 });
    t = await pgTestDb();
    const first = await crawlInProcess(fake, t.db);
    expect(first.status).toBe('succeeded');
    const { rows } = await t.db.query<{ id: string }>(`SELECT id FROM questions WHERE status = 'pending' ORDER BY number LIMIT 1`);
    const env = { DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema, SENATE_BASE_URL: fake.url, CRAWL_RATE_PER_SEC: '0', CRAWLER_CONTACT: 'mailto:tests@example.org' };
    return { id: rows[0]!.id, env };
  }

  describe('in-process (no REDIS_URL)', () => {
    it('fetches the question now as a recrawl run and prints its outcome; again right after, it still fetches it', async () => {
      const { id, env } = await crawled(6);
      fake!.answerArrives(id, { lang: 'fr', date: '2026-11-30', text: 'Réponse.' });
      const r = await runCli(['recrawl', id], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^${id}: changed`));
      // Two pages (and robots.txt, where the run counts it).
      expect(r.stdout).toMatch(/run \d+ succeeded: 0 new, 1 changed, 0 unchanged, 0 failed; [23] requests/);
      const again = await runCli(['recrawl', id, '--wait'], { env });
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`^${id}: unchanged\n`));
      expect(again.stdout).toMatch(/0 changed, 1 unchanged, 0 failed; [23] requests/);
      const { rows } = await t!.db.query<{ kind: string; requests: number }>(`SELECT kind, requests FROM crawl_runs ORDER BY id`);
      expect(rows.map((x) => x.kind)).toEqual(['crawl', 'recrawl', 'recrawl']);
      const stored = await t!.db.query<{ status: string }>('SELECT status FROM questions WHERE id = $1', [id]);
      expect(stored.rows[0]!.status).toBe('answered');
    }, 60_000);

    it('a question not on the Senate is reported missing, and the run still succeeds', async () => {
      const { env } = await crawled(3);
      const r = await runCli(['recrawl', '8-999'], { env });
      expect(r.stdout).toMatch(/^8-999: missing\n/);
    }, 60_000);
  });

  describe('on the fleet (REDIS_URL)', () => {
    it('goes ahead of a crawl backlog, fetches a question that crawl has just fetched, and --wait prints what happened', async () => {
      const { env } = await crawled(60);
      const prefix = `test-${Math.random().toString(36).slice(2)}`;
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      cleanups.push(async () => {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      });
      const config = testConfig(fake!, { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, CRAWL_RATE_PER_SEC: '20' });
      const fetcher = createPoliteFetcher({ config, logger: silentLogger, retry: { minTimeoutMs: 20, maxTimeoutMs: 200 } });
      cleanups.push(() => fetcher.close());
      const queues = createQueues(redis, { prefix });
      cleanups.push(() => Promise.all(Object.values(queues).map((q) => q.close())));
      // A full crawl of 60 questions at 20 requests/s: a backlog of about 6 s.
      const crawlId = await startCrawlRun(t!.db, bullEnqueue(t!.db, queues), { legislatures: [8], full: true });
      const fleet: FleetWorker = startFleetWorker({ config, db: t!.db, fetcher, logger: silentLogger, redisUrl: TEST_REDIS_URL, prefix, concurrency: 2 });
      cleanups.push(() => fleet.close(2_000));
      await waitForRun(t!.db, crawlId, 30_000, async (run) => {
        if (run.jobsTotal > 30) throw new Error('stop waiting');
      }).catch(() => {});
      // A question this crawl has just fetched: its recrawl is a new job all the same.
      let id = '';
      await waitForRun(t!.db, crawlId, 30_000, async () => {
        const { rows } = await t!.db.query<{ key: string }>(`SELECT key FROM run_jobs WHERE run_id = $1 AND key LIKE 'q-%' AND finished_at IS NOT NULL LIMIT 1`, [crawlId]);
        if (rows[0]) {
          id = rows[0].key.slice(2);
          throw new Error('found');
        }
      }).catch(() => {});
      expect(id).not.toBe('');
      fake!.correctSubject(id, 'fr', 'Sujet corrigé');
      const r = await runCli(['recrawl', id, '--wait'], { env: { ...env, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix } });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^run (\d+) queued: recrawl of /);
      expect(r.stdout).toContain(`${id}: changed`);
      const recrawlId = Number(/^run (\d+)/.exec(r.stdout)![1]);
      const recrawlRun = (await getRun(t!.db, recrawlId))!;
      const crawlRun = (await getRun(t!.db, crawlId))!;
      expect(recrawlRun).toMatchObject({ kind: 'recrawl', status: 'succeeded', questionsChanged: 1 });
      expect(recrawlRun.requests).toBeGreaterThanOrEqual(2);
      // The crawl's backlog was still going when the recrawl had finished.
      expect(crawlRun.finishedAt === null || crawlRun.finishedAt > recrawlRun.finishedAt!).toBe(true);
    }, 90_000);
  });
});
