import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startFleetWorker, type FleetWorker } from '../../workers/bullmq.ts';
import { createScheduleQueue, installSchedules, listSchedules, NIGHTLY_SCHEDULER_ID, removeSchedules, WATCH_SCHEDULER_ID } from '../../workers/scheduler.ts';
import { createPoliteFetcher } from '../../src/crawl/polite-fetcher.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess, testConfig } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { TEST_REDIS_URL } from '../helpers/fleet.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

interface ScheduledRow {
  id: number;
  kind: string;
  status: string;
  scheduled_for: Date;
  started_at: Date;
  finished_at: Date | null;
}

describe('schedules on the fleet', () => {
  let fake: FakeSenate | undefined;
  let t: TestDb | undefined;
  let redis: Redis | undefined;
  const prefix = `test-${randomUUID()}`;
  let workers: FleetWorker[] = [];
  let closers: (() => Promise<unknown>)[] = [];

  afterEach(async () => {
    for (const w of workers) await w.close(2_000).catch(() => {});
    workers = [];
    for (const c of closers) await c().catch(() => {});
    closers = [];
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      await redis.quit();
    }
    await t?.drop();
    await fake?.close();
  });

  async function setUp(n: number, env: Record<string, string> = {}) {
    fake = await startFakeSenate({ questions: { n, legislature: 8, seed: 5 }, serving: 'varied', listingPageSize: 20 });
    t = await pgTestDb();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queue = createScheduleQueue(redis, prefix);
    closers.push(() => queue.close());
    const config = testConfig(fake, { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, ...env });
    return { queue, config };
  }

  function startWorker(config: ReturnType<typeof testConfig>): FleetWorker {
    const fetcher = createPoliteFetcher({ config, logger: silentLogger, retry: { minTimeoutMs: 20, maxTimeoutMs: 200 } });
    closers.push(() => fetcher.close());
    const w = startFleetWorker({ config, db: t!.db, fetcher, logger: silentLogger, redisUrl: TEST_REDIS_URL, prefix, concurrency: 4, lockDurationMs: 5_000, stalledIntervalMs: 2_000 });
    workers.push(w);
    return w;
  }

  async function scheduledRows(scheduleId: string): Promise<ScheduledRow[]> {
    const { rows } = await t!.db.query<ScheduledRow>(
      'SELECT id, kind, status, scheduled_for, started_at, finished_at FROM crawl_runs WHERE schedule_id = $1 ORDER BY scheduled_for, id',
      [scheduleId],
    );
    return rows;
  }

  function expectOnePerDueTime(rows: ScheduledRow[]): void {
    const dueTimes = rows.map((r) => r.scheduled_for.getTime());
    expect(new Set(dueTimes).size).toBe(dueTimes.length);
  }

  describe('when schedule is run twice and two workers run it, one of them restarted', () => {
    it('makes exactly one run per due time', async () => {
      const { queue, config } = await setUp(4, { CRAWL_RATE_PER_SEC: '0' });
      const every2s = { nightly: { cron: '*/2 * * * * *', legislatures: [8] }, watch: null };
      await installSchedules(queue, every2s);
      await installSchedules(queue, every2s);
      const installed = await listSchedules(queue);
      expect(installed.map((s) => s.id)).toEqual([NIGHTLY_SCHEDULER_ID]);
      expect(await queue.getDelayedCount()).toBe(1);

      const a = startWorker(config);
      startWorker(config);
      await sleep(5_000);
      await a.close(2_000);
      startWorker(config);
      await installSchedules(queue, every2s);
      await sleep(5_000);
      await removeSchedules(queue);
      // A due job seen a second time (as after a lost acknowledgement): no second run.
      const [seen] = await scheduledRows(NIGHTLY_SCHEDULER_ID);
      const again = await queue.add('nightly', { legislatures: [8] }, { jobId: `again:${NIGHTLY_SCHEDULER_ID}:${seen!.scheduled_for.getTime()}` });
      await waitUntil(async () => (await again.getState()) === 'completed', 10_000);
      expect((await queue.getJob(again.id!))!.returnvalue).toBe(`duplicate run ${seen!.id}`);
      for (const w of workers) await w.close(5_000);

      const rows = await scheduledRows(NIGHTLY_SCHEDULER_ID);
      expect(rows.length).toBeGreaterThanOrEqual(3);
      expectOnePerDueTime(rows);
      expect(rows.every((r) => r.kind === 'crawl')).toBe(true);
      expect(rows.filter((r) => r.status === 'succeeded').length).toBeGreaterThanOrEqual(1);
      // Every due time is on the pattern's 2-second grid.
      for (const r of rows) expect(r.scheduled_for.getTime() % 2_000).toBe(0);
    }, 60_000);
  });

  describe('when a run is still going at the next due time', () => {
    it('records that due time as skipped, and never runs two crawls at once', async () => {
      // 12 questions at 4 requests/s: a run lasts about 6 s, the schedule fires every 2 s.
      const { queue, config } = await setUp(12, { CRAWL_RATE_PER_SEC: '4' });
      await installSchedules(queue, { nightly: { cron: '*/2 * * * * *', legislatures: [8] }, watch: null });
      startWorker(config);
      startWorker(config);
      await sleep(9_000);
      await removeSchedules(queue);
      for (const w of workers) await w.close(5_000);

      const rows = await scheduledRows(NIGHTLY_SCHEDULER_ID);
      expectOnePerDueTime(rows);
      const skipped = rows.filter((r) => r.status === 'skipped');
      const ran = rows.filter((r) => r.status !== 'skipped');
      expect(skipped.length).toBeGreaterThanOrEqual(1);
      expect(ran.length).toBeGreaterThanOrEqual(1);
      // The runs that ran never overlapped.
      for (let i = 1; i < ran.length; i++) {
        expect(ran[i - 1]!.finished_at).not.toBeNull();
        expect(ran[i]!.started_at.getTime()).toBeGreaterThanOrEqual(ran[i - 1]!.finished_at!.getTime());
      }
    }, 60_000);
  });

  describe('the answer watch', () => {
    it('runs as watch runs, one per due time, fetching only questions that expect an answer', async () => {
      const { queue, config } = await setUp(30, { CRAWL_RATE_PER_SEC: '0', WATCH_REQUESTS_PER_HOUR: '3600' });
      const first = await crawlInProcess(fake!, t!.db, { env: { CRAWL_RATE_PER_SEC: '0' } });
      expect(first.status).toBe('succeeded');
      await installSchedules(queue, { nightly: { cron: '0 3 * * *', legislatures: [8] }, watch: { cron: '*/2 * * * * *' } });
      expect((await listSchedules(queue)).map((s) => s.id).sort()).toEqual([WATCH_SCHEDULER_ID, NIGHTLY_SCHEDULER_ID].sort());
      startWorker(config);
      startWorker(config);
      await sleep(6_000);
      await removeSchedules(queue);
      for (const w of workers) await w.close(5_000);

      const rows = await scheduledRows(WATCH_SCHEDULER_ID);
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expectOnePerDueTime(rows);
      expect(rows.every((r) => r.kind === 'watch')).toBe(true);
      const { rows: fetched } = await t!.db.query<{ id: string; status: string; answer_deadline: string | null }>(
        `SELECT DISTINCT q.id, q.status, q.answer_deadline FROM run_jobs j JOIN crawl_runs r ON r.id = j.run_id
           JOIN questions q ON q.id = j.data->>'id' WHERE r.kind = 'watch'`,
      );
      expect(fetched.length).toBeGreaterThan(0);
      const { rows: all } = await t!.db.query<{ n: number }>('SELECT count(*)::int AS n FROM questions');
      expect(fetched.length).toBeLessThan(all[0]!.n);
      for (const q of fetched) expect(['pending', 'answered']).toContain(q.status);
    }, 90_000);
  });
});
