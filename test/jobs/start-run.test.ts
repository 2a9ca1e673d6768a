import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { RunOverlapError, startCrawlRun, startOrJoinCrawlRun } from '../../jobs/start-run.ts';
import type { JobRequest } from '../../jobs/types.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { completeJob } from '../../src/store/run-jobs.ts';
import { cancelDeadInProcessRuns, createRun, getRun } from '../../src/store/runs.ts';
import { isProcessAlive } from '../../src/util/process.ts';
import { pgTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/db.ts';

/** A pid that no process has any more. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

/** An enqueue that only records what it was given (nothing runs the jobs). */
function recorder() {
  const calls: { runId: number; jobs: JobRequest[] }[] = [];
  return { calls, enqueue: async (runId: number, jobs: JobRequest[]) => void calls.push({ runId, jobs }) };
}

const TIME = '\\d\\d:\\d\\d:\\d\\d';

describe('starting a crawl run', () => {
  let t: TestDb;
  const extra: Db[] = [];
  afterEach(async () => {
    for (const db of extra.splice(0)) await db.close();
    await t?.drop();
  });

  describe('when nothing runs', () => {
    it('creates the run with its discover jobs in the ledger and queues them', async () => {
      t = await pgTestDb();
      const q = recorder();
      const runId = await startCrawlRun(t.db, q.enqueue, { legislatures: [8, 7, 8], full: false });
      expect(q.calls).toEqual([{ runId, jobs: [7, 8].map((legislature) => ({ kind: 'discover', data: { runId, legislature, full: false } })) }]);
      expect(await getRun(t.db, runId)).toMatchObject({ status: 'running', legislatures: [7, 8], jobsTotal: 2, jobsDone: 0 });
      const { rows } = await t.db.query<{ key: string; data: unknown }>('SELECT key, data FROM run_jobs WHERE run_id = $1 ORDER BY key', [runId]);
      expect(rows).toEqual([
        { key: 'discover-7', data: { runId, legislature: 7, full: false } },
        { key: 'discover-8', data: { runId, legislature: 8, full: false } },
      ]);
    });
  });

  describe('when an in-process crawl of the same legislature runs in a live process', () => {
    it('refuses, naming the running run, its start, its pid and how to stop it', async () => {
      t = await pgTestDb();
      const first = await startCrawlRun(t.db, recorder().enqueue, { legislatures: [8], full: false, runner: 'in-process' });
      const q = recorder();
      const err = (await startCrawlRun(t.db, q.enqueue, { legislatures: [8], full: false, runner: 'in-process' }).catch((e: unknown) => e)) as RunOverlapError;
      expect(err).toBeInstanceOf(RunOverlapError);
      expect(err.message).toMatch(
        new RegExp(
          `^run ${first} \\(legislature\\(s\\) 8, incremental, since ${TIME}, in-process: pid ${process.pid}, 0/1 jobs done\\) is already crawling legislature\\(s\\) 8; ` +
            `this crawl is refused: follow it with \`senate-questions runs\`; to cancel it, stop pid ${process.pid} \\(Ctrl-C in its terminal, or kill ${process.pid}\\)$`,
        ),
      );
      expect(q.calls).toEqual([]);
      const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM crawl_runs');
      expect(rows[0]!.n).toBe(1);
    });

    it('refuses a crawl whose legislatures overlap it, and starts one that does not', async () => {
      t = await pgTestDb();
      await startCrawlRun(t.db, recorder().enqueue, { legislatures: [8], full: false, runner: 'in-process' });
      await expect(startCrawlRun(t.db, recorder().enqueue, { legislatures: [7, 8], full: true })).rejects.toThrow(/is already crawling legislature\(s\) 8; this crawl is refused/);
      const seventh = await startCrawlRun(t.db, recorder().enqueue, { legislatures: [7], full: false });
      expect(await getRun(t.db, seventh)).toMatchObject({ status: 'running', legislatures: [7] });
    });
  });

  describe('when the in-process crawl that runs belongs to a dead process of this host', () => {
    it('marks it cancelled and starts the new run', async () => {
      t = await pgTestDb();
      const dead = await createRun(t.db, { legislatures: [8], options: { runner: 'in-process', host: hostname(), pid: deadPid() } });
      const runId = await startCrawlRun(t.db, recorder().enqueue, { legislatures: [8], full: false, runner: 'in-process' });
      expect(runId).not.toBe(dead);
      expect(await getRun(t.db, dead)).toMatchObject({ status: 'cancelled', error: 'its process ended without closing the run' });
    });
  });

  describe('when the database is exclusively this process\'s (the embedded one)', () => {
    it('judges an in-process run of any other process dead, from any host, and keeps its own', async () => {
      t = await pgTestDb();
      const elsewhere = await createRun(t.db, { legislatures: [8], options: { runner: 'in-process', host: 'elsewhere', pid: process.pid } });
      const otherPid = await createRun(t.db, { legislatures: [7], options: { runner: 'in-process', host: hostname(), pid: process.ppid } });
      const mine = await createRun(t.db, { legislatures: [6], options: { runner: 'in-process', host: hostname(), pid: process.pid } });
      expect(await cancelDeadInProcessRuns(t.db, hostname(), isProcessAlive)).toEqual([]);
      expect((await cancelDeadInProcessRuns(t.db, hostname(), isProcessAlive, { exclusive: true })).sort()).toEqual([elsewhere, otherPid].sort());
      expect(await getRun(t.db, mine)).toMatchObject({ status: 'running' });
    });
  });

  describe('when a fleet crawl of the same legislature runs', () => {
    it('refuses without join, and says how to follow it', async () => {
      t = await pgTestDb();
      const first = await startCrawlRun(t.db, recorder().enqueue, { legislatures: [8], full: false });
      await expect(startCrawlRun(t.db, recorder().enqueue, { legislatures: [8], full: false })).rejects.toThrow(
        new RegExp(`^run ${first} \\(legislature\\(s\\) 8, incremental, since ${TIME}, on the fleet, 0/1 jobs done\\) is already crawling legislature\\(s\\) 8; this crawl is refused: follow it with \`senate-questions crawl --wait -l 8\` \\(joins it\\) or \`senate-questions runs\`; it ends when its jobs are done$`),
      );
    });

    it('with join, follows it instead and queues its unfinished jobs again', async () => {
      t = await pgTestDb();
      const first = await startCrawlRun(t.db, recorder().enqueue, { legislatures: [7, 8], full: true });
      await t.db.query(`INSERT INTO run_jobs (run_id, key, kind, data) VALUES ($1, 'q-8-1', 'fetch-question', $2::jsonb)`, [first, JSON.stringify({ runId: first, id: '8-1' })]);
      await completeJob(t.db, first, 'discover-7', 'ok', {});
      const q = recorder();
      const started = await startOrJoinCrawlRun(t.db, q.enqueue, { legislatures: [8], full: false, join: true });
      expect(started).toMatchObject({ runId: first, joined: { runner: 'bullmq', run: { id: first, legislatures: [7, 8] } } });
      expect(q.calls).toEqual([
        {
          runId: first,
          jobs: [
            { kind: 'discover', data: { runId: first, legislature: 8, full: true } },
            { kind: 'fetch-question', data: { runId: first, id: '8-1' } },
          ],
        },
      ]);
    });

    it('with join, still refuses when the running crawl does not cover what was asked, saying why', async () => {
      t = await pgTestDb();
      await startCrawlRun(t.db, recorder().enqueue, { legislatures: [8], full: false });
      await expect(startOrJoinCrawlRun(t.db, recorder().enqueue, { legislatures: [7, 8], full: false, join: true })).rejects.toThrow(
        /; cannot follow it instead \(it does not crawl legislature\(s\) 7\): start this crawl when it has ended/,
      );
      await expect(startOrJoinCrawlRun(t.db, recorder().enqueue, { legislatures: [8], full: true, join: true })).rejects.toThrow(
        /cannot follow it instead \(it is incremental, and a full crawl was asked for\)/,
      );
    });

    it('does not count a fleet run whose jobs have all finished as running', async () => {
      t = await pgTestDb();
      const stuck = await createRun(t.db, { legislatures: [8] });
      const runId = await startCrawlRun(t.db, recorder().enqueue, { legislatures: [8], full: false });
      expect(runId).not.toBe(stuck);
    });
  });

  describe('when crawls of the same legislature are asked for at the same instant from several processes', () => {
    it('starts exactly one of them', async () => {
      t = await pgTestDb();
      for (let i = 0; i < 3; i++) extra.push(await openDb({ databaseUrl: TEST_DATABASE_URL, schema: t.schema, poolSize: 2 }));
      const dbs = [t.db, ...extra];
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => startCrawlRun(dbs[i % dbs.length]!, recorder().enqueue, { legislatures: [8], full: false })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof RunOverlapError)).toHaveLength(7);
      const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM crawl_runs WHERE status = 'running'`);
      expect(rows[0]!.n).toBe(1);
    });
  });
});
