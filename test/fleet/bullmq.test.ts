import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startCrawlRun } from '../../jobs/start-run.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { maxInWindow } from '../fake-senate/request-log.ts';
import { storedVersusTruth } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { fleetClient, spawnWorker, TEST_REDIS_URL, waitForRun, type FleetClient, type WorkerProcess } from '../helpers/fleet.ts';

const run = promisify(execFile);

describe('a crawl on BullMQ with worker processes', () => {
  let fake: FakeSenate | undefined;
  let t: TestDb | undefined;
  let client: FleetClient | undefined;
  let workers: WorkerProcess[] = [];
  let workerEnv: Record<string, string> = {};

  afterEach(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    workers = [];
    await client?.close();
    await t?.drop();
    await fake?.close();
  });

  async function setUp(n: number, workerCount: number, env: Record<string, string>, fakeOpts: Parameters<typeof startFakeSenate>[0] = {}) {
    fake = await startFakeSenate({ questions: { n, legislature: 8, seed: 11 }, serving: 'varied', listingPageSize: 20, ...fakeOpts });
    t = await pgTestDb();
    client = fleetClient(t.db);
    workerEnv = {
      DATABASE_URL: t.url,
      DATABASE_SCHEMA: t.schema,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: client.prefix,
      SENATE_BASE_URL: fake.url,
      CRAWLER_CONTACT: 'mailto:tests@example.org',
      LOG_LEVEL: 'warn',
      PROBE_MISSES: '3',
      JOB_LOCK_MS: '2000',
      SHUTDOWN_TIMEOUT_MS: '2000',
      ...env,
    };
    workers = await Promise.all(Array.from({ length: workerCount }, () => spawnWorker(workerEnv)));
    return client;
  }

  it('stores every question with both languages, equal to the ground truth', async () => {
    const c = await setUp(50, 2, { CRAWL_RATE_PER_SEC: '0', WORKER_CONCURRENCY: '4' });
    const runId = await startCrawlRun(t!.db, c.enqueue, { legislatures: [8], full: false });
    const run = await waitForRun(t!.db, runId, 60_000);
    expect(run).toMatchObject({ status: 'succeeded', questionsNew: 50, questionsFailed: 0, jobsTotal: 51, jobsDone: 51 });
    const { stored, truth } = await storedVersusTruth(t!.db, fake!);
    expect(stored).toEqual(truth);
  });

  it('crawl --wait through the CLI queues the run for the workers and prints its summary', async () => {
    await setUp(10, 1, { CRAWL_RATE_PER_SEC: '0', WORKER_CONCURRENCY: '4' });
    const { stdout } = await run('node', [path.resolve('bin/senate-questions.js'), 'crawl', '--legislature', '8', '--wait'], { env: { ...process.env, ...workerEnv } });
    // 22 requests: robots.txt, the listing page, 20 question pages (every request the Senate sees).
    expect(stdout).toMatch(/^run 1 queued for legislature\(s\) 8; workers: senate-questions worker\nrun 1 succeeded: 10 new, 0 changed, 0 unchanged, 0 failed; 22 requests/);
    // A second run's jobs for the same questions are new jobs, not swallowed by the first run's ids.
    const pending = (await t!.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM questions WHERE status IN ('pending', 'requalified') OR (status = 'answered' AND answer_date >= current_date - 30)`)).rows[0]!.n;
    expect(pending).toBeGreaterThan(0);
    const second = await run('node', [path.resolve('bin/senate-questions.js'), 'crawl', '--wait'], { env: { ...process.env, ...workerEnv } });
    expect(second.stdout).toContain(`run 2 succeeded: 0 new, 0 changed, ${pending} unchanged, 0 failed`);
    expect(second.stdout).toContain(`${pending + 1}/${pending + 1} jobs`);
  });

  it('keeps 3 worker processes at 5 requests/s together against the Senate', async () => {
    const c = await setUp(12, 3, { CRAWL_RATE_PER_SEC: '5', WORKER_CONCURRENCY: '4' });
    const runId = await startCrawlRun(t!.db, c.enqueue, { legislatures: [8], full: false });
    const run = await waitForRun(t!.db, runId, 60_000);
    expect(run.status).toBe('succeeded');
    const log = fake!.requests();
    expect(log.length).toBeGreaterThanOrEqual(25);
    expect(maxInWindow(log, 1000)).toBeLessThanOrEqual(6);
  });

  it('loses nothing when a worker is killed with SIGKILL mid-crawl: another one finishes', async () => {
    const c = await setUp(60, 2, { CRAWL_RATE_PER_SEC: '0', WORKER_CONCURRENCY: '2' }, { latencyMs: 40 });
    const runId = await startCrawlRun(t!.db, c.enqueue, { legislatures: [8], full: false });
    let killed = false;
    const run = await waitForRun(t!.db, runId, 90_000, (r) => {
      if (!killed && r.jobsDone >= 10) {
        killed = true;
        workers[0]!.child.kill('SIGKILL');
      }
    });
    expect(killed).toBe(true);
    expect(await workers[0]!.exited).toBeNull();
    expect(run).toMatchObject({ status: 'succeeded', questionsFailed: 0, jobsDone: 61, jobsTotal: 61 });
    const { rows } = await t!.db.query<{ n: number; ids: number }>('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM questions');
    expect(rows[0]).toEqual({ n: 60, ids: 60 });
    const { stored, truth } = await storedVersusTruth(t!.db, fake!);
    expect(stored).toEqual(truth);
  });

  it('stops gracefully on SIGTERM: the active jobs finish or go back to the queue', async () => {
    const c = await setUp(30, 1, { CRAWL_RATE_PER_SEC: '0', WORKER_CONCURRENCY: '3' }, { latencyMs: 150 });
    const runId = await startCrawlRun(t!.db, c.enqueue, { legislatures: [8], full: false });
    await waitForRun(t!.db, runId, 30_000, (r) => {
      if (r.jobsDone >= 3) throw new Error('stop waiting');
    }).catch(() => undefined);
    workers[0]!.child.kill('SIGTERM');
    expect(await workers[0]!.exited).toBe(0);
    expect(workers[0]!.output()).not.toMatch(/"level":(50|60)/);
    // A new worker finishes the run: nothing was lost in the shutdown.
    workers.push(await spawnWorker(workerEnv));
    const run = await waitForRun(t!.db, runId, 60_000);
    expect(run).toMatchObject({ status: 'succeeded', questionsNew: 30, questionsFailed: 0 });
  });
});
