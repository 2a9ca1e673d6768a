import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { spawnWorker, TEST_REDIS_URL, type WorkerProcess } from '../helpers/fleet.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the nightly schedule on worker processes', () => {
  let fake: FakeSenate | undefined;
  let t: TestDb | undefined;
  let workers: WorkerProcess[] = [];
  const prefix = `test-${randomUUID()}`;

  afterEach(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    workers = [];
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await t?.drop();
    await fake?.close();
  });

  it('with `schedule` run twice and a worker restarted in between, makes exactly one run per due time', async () => {
    fake = await startFakeSenate({ questions: { n: 4, legislature: 8, seed: 9 } });
    t = await pgTestDb();
    const env = {
      DATABASE_URL: t.url,
      DATABASE_SCHEMA: t.schema,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      SENATE_BASE_URL: fake.url,
      CRAWLER_CONTACT: 'mailto:tests@example.org',
      CRAWL_RATE_PER_SEC: '0',
      LOG_LEVEL: 'warn',
      PROBE_MISSES: '3',
      SHUTDOWN_TIMEOUT_MS: '3000',
    };
    const schedule = () => runCli(['schedule', '--cron', '*/2 * * * * *', '--no-watch'], { env });
    expect((await schedule()).code).toBe(0);
    workers = await Promise.all([spawnWorker(env), spawnWorker(env)]);
    expect((await schedule()).code).toBe(0);
    await sleep(5_000);
    workers[0]!.child.kill('SIGTERM');
    expect(await workers[0]!.exited).toBe(0);
    workers.push(await spawnWorker(env));
    expect((await schedule()).code).toBe(0);
    await sleep(5_000);
    const removed = await runCli(['schedule', '--remove'], { env });
    expect(removed.stdout).toBe('removed nightly-crawl\n');
    await sleep(1_000);

    const { rows } = await t.db.query<{ scheduled_for: Date; status: string }>(
      `SELECT scheduled_for, status FROM crawl_runs WHERE schedule_id = 'nightly-crawl' ORDER BY scheduled_for`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const dueTimes = rows.map((r) => r.scheduled_for.getTime());
    expect(new Set(dueTimes).size).toBe(dueTimes.length);
    expect(rows.filter((r) => r.status === 'succeeded').length).toBeGreaterThanOrEqual(1);
    const shown = await runCli(['schedule', '--show'], { env });
    expect(shown.stdout).toMatch(/^no schedule installed/);
  }, 120_000);
});
