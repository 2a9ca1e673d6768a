/**
 * `npm run bench:crawl`: end-to-end crawl throughput. A fake Senate in its own process serves
 * N synthetic questions of legislature 8 (2N question pages); the real pipeline (discover →
 * fetch → archive → parse → upsert) runs on real PostgreSQL in a fresh schema, with the rate
 * limit off, either on BullMQ worker processes (`senate-questions worker`) or with the
 * embedded in-process runner (`senate-questions crawl` without REDIS_URL). Prints pages/s
 * (question pages fetched ÷ the run's wall time, crawl_runs.started_at → finished_at),
 * requests per question, and the peak RSS of each crawling process. Exits 1 when the run
 * did not succeed or stored less than it should. The schema and the Redis keys are removed.
 *
 *   npm run bench:crawl -- [--questions 10000] [--workers 1] [--concurrency N] [--in-process]
 *                          [--cpu-prof DIR] [--keep-schema]
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and REDIS_URL (default
 * redis://127.0.0.1:6379) say where the services are.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startCrawlRun } from '../jobs/start-run.ts';
import { openDb, type Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { getRun, type CrawlRun } from '../src/store/runs.ts';
import { bullEnqueue, createQueues } from '../workers/bullmq.ts';

const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '1' },
    concurrency: { type: 'string' },
    'in-process': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'keep-schema': { type: 'boolean', default: false },
    'timeout-s': { type: 'string', default: '1800' },
  },
});

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench:crawl: --${name} takes a whole number ≥ 1, not ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const questions = positiveInt('questions', values.questions)!;
const workerCount = positiveInt('workers', values.workers)!;
const concurrency = positiveInt('concurrency', values.concurrency);
const inProcess = values['in-process'];
const timeoutMs = positiveInt('timeout-s', values['timeout-s'])! * 1000;
const LEGISLATURE = 8;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLI = path.resolve('bin/senate-questions.js');

interface Proc {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
  /** max VmRSS seen by polling, kB */
  maxRssKb: number;
  /** VmHWM read just before it was stopped, kB */
  hwmKb: number;
  /** user+system CPU seconds, read just before it was stopped */
  cpuS: number;
}

function track(child: ChildProcess): Proc {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exited, maxRssKb: 0, hwmKb: 0, cpuS: 0 };
}

function waitForOutput(p: Proc, re: RegExp, what: string, ms = 60_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = re.exec(p.out());
      if (m) {
        clearInterval(timer);
        resolve(m);
      } else if (p.child.exitCode !== null || Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error(`${what} did not start:\n${p.out()}`));
      }
    }, 50);
    const deadline = Date.now() + ms;
  });
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

function sample(p: Proc): void {
  if (p.child.pid === undefined || p.child.exitCode !== null) return;
  p.maxRssKb = Math.max(p.maxRssKb, procStatusKb(p.child.pid, 'VmRSS'));
  p.hwmKb = Math.max(p.hwmKb, procStatusKb(p.child.pid, 'VmHWM'));
  p.cpuS = Math.max(p.cpuS, cpuSeconds(p.child.pid));
}

async function stop(p: Proc, ms = 30_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), ms);
  await p.exited;
  clearTimeout(timer);
}

async function waitForRun(db: Db, runId: () => Promise<number | null>, procs: Proc[]): Promise<CrawlRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const p of procs) sample(p);
    const id = await runId();
    const run = id === null ? null : await getRun(db, id);
    if (run?.finishedAt) return run;
    const dead = procs.find((p) => p.child.exitCode !== null && !(inProcess && p.child.exitCode === 0));
    if (dead) throw new Error(`a crawling process exited ${dead.child.exitCode} before the run finished:\n${dead.out()}`);
    if (Date.now() > deadline) throw new Error(`the run did not finish in ${timeoutMs / 1000} s: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

async function main(): Promise<number> {
  const id = randomUUID();
  const schema = `bench_${id.replace(/-/g, '').slice(0, 16)}`;
  const prefix = `bench-${id}`;
  /** run in order: each step is unshifted when what it undoes is set up */
  const cleanups: [string, () => Promise<unknown>][] = [];
  const procs: Proc[] = [];
  let ok = false;
  try {
    // 1. The fake Senate, in a process of its own so it does not share our event loop or the workers'.
    const fake = track(
      spawn(process.execPath, ['--import', 'tsx', 'test/fake-senate/main.ts', '--port', '0', '--n', String(questions), '--legislature', String(LEGISLATURE), '--seed', '1'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    cleanups.unshift(['fake Senate', () => stop(fake)]);
    const senateUrl = (await waitForOutput(fake, /listening on (http:\/\/\S+)/, 'the fake Senate'))[1]!;

    // 2. A fresh schema, migrated.
    const db = await openDb({ databaseUrl: DATABASE_URL, schema, poolSize: 2 });
    cleanups.unshift(['database', () => db.close()]);
    if (!values['keep-schema']) cleanups.unshift(['schema', () => dropSchema(db, schema)]);
    await migrate(db);

    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATABASE_URL,
      DATABASE_SCHEMA: schema,
      SENATE_BASE_URL: senateUrl,
      CRAWL_RATE_PER_SEC: '0',
      CRAWLER_CONTACT: 'mailto:bench@example.org',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      CURRENT_LEGISLATURE: String(LEGISLATURE),
      ...(concurrency ? { WORKER_CONCURRENCY: String(concurrency) } : {}),
    };
    delete env.REDIS_URL;
    // Node 20 refuses --cpu-prof in NODE_OPTIONS: it goes on the crawling processes' command line.
    const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`] : [];

    // 3. The crawling processes, then the run.
    let runId: () => Promise<number | null>;
    if (inProcess) {
      const crawl = track(spawn(process.execPath, [...nodeArgs, CLI, 'crawl', '--legislature', String(LEGISLATURE)], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
      procs.push(crawl);
      cleanups.unshift(['crawl process', () => stop(crawl)]);
      runId = async () => (await db.query<{ id: number }>('SELECT max(id) AS id FROM crawl_runs')).rows[0]?.id ?? null;
    } else {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      cleanups.unshift(['redis keys', () => dropKeys(redis, prefix)]);
      const queues = createQueues(redis, { prefix });
      cleanups.unshift(['queues', () => Promise.all(Object.values(queues).map((q) => q.close()))]);
      const workerEnv = { ...env, REDIS_URL, QUEUE_PREFIX: prefix };
      for (let i = 0; i < workerCount; i++) {
        const w = track(spawn(process.execPath, [...nodeArgs, CLI, 'worker'], { env: workerEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
        procs.push(w);
        cleanups.unshift([`worker ${i + 1}`, () => stop(w)]);
      }
      await Promise.all(procs.map((w) => waitForOutput(w, /worker \d+ started/, 'a worker')));
      const started = await startCrawlRun(db, bullEnqueue(db, queues), { legislatures: [LEGISLATURE], full: false });
      runId = async () => started;
    }
    const run = await waitForRun(db, runId, procs);
    for (const p of procs) sample(p);

    // 4. What was stored, and what the Senate saw.
    const { rows } = await db.query<{ questions: number; texts: number; pages: number; bodies: number }>(
      `SELECT (SELECT count(*)::int FROM questions) AS questions, (SELECT count(*)::int FROM question_texts) AS texts,
              (SELECT count(*)::int FROM fetches WHERE kind = 'question' AND status = 200) AS pages,
              (SELECT count(*)::int FROM fetch_bodies) AS bodies`,
    );
    const stored = rows[0]!;
    for (const [, c] of cleanups.filter(([n]) => n.startsWith('worker') || n === 'crawl process')) await c();
    await stop(fake);
    const served = /served (\d+) requests (\{.*\})/.exec(fake.out());
    const servedKinds = served ? (JSON.parse(served[2]!) as { byKind: Record<string, number> }).byKind : null;

    const wallS = (run.durationMs ?? 0) / 1000;
    const pagesPerS = stored.pages / wallS;
    const problems: string[] = [];
    if (run.status !== 'succeeded') problems.push(`run ${run.id} ended ${run.status}${run.error ? `: ${run.error}` : ''}`);
    if (run.questionsNew !== questions) problems.push(`${run.questionsNew} questions new, expected ${questions}`);
    if (stored.questions !== questions || stored.texts !== 2 * questions) problems.push(`stored ${stored.questions} questions and ${stored.texts} texts, expected ${questions} and ${2 * questions}`);
    ok = problems.length === 0;

    const mode = inProcess ? `in-process runner, 1 process` : `BullMQ, ${workerCount} worker process${workerCount > 1 ? 'es' : ''}`;
    const lines: [string, string][] = [
      ['mode', `${mode}, concurrency ${concurrency ?? 'default (WORKER_CONCURRENCY)'}`],
      ['questions / question pages', `${questions} / ${stored.pages} fetched (200), ${stored.bodies} bodies archived`],
      ['run', `#${run.id} ${run.status}: ${run.questionsNew} new, ${run.questionsFailed} failed, ${run.jobsDone}/${run.jobsTotal} jobs`],
      ['wall time (run start → finish)', `${wallS.toFixed(2)} s`],
      ['end-to-end pages/s', pagesPerS.toFixed(1)],
      ['questions/s', (questions / wallS).toFixed(1)],
      ['requests (crawl_runs)', `${run.requests} = ${(run.requests / questions).toFixed(3)} per question`],
      ['requests (fake Senate)', served ? `${served[1]} ${JSON.stringify(servedKinds)}` : 'n/a'],
      ...procs.map((p, i): [string, string] => [
        `${inProcess ? 'crawl process' : `worker ${i + 1}`} pid ${p.child.pid}`,
        `peak RSS ${mb(p.hwmKb)} (VmHWM; polled VmRSS max ${mb(p.maxRssKb)}), CPU ${p.cpuS.toFixed(1)} s`,
      ]),
    ];
    const width = Math.max(...lines.map(([k]) => k.length));
    process.stdout.write(`\nbench:crawl ${process.argv.slice(2).join(' ')}\n${lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`);
    if (!ok) {
      process.stderr.write(`\nFAILED: ${problems.join('; ')}\n`);
      for (const p of procs) process.stderr.write(`--- output of pid ${p.child.pid} (tail) ---\n${p.out().slice(-3000)}\n`);
    }
  } catch (e) {
    process.stderr.write(`bench:crawl failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    for (const p of procs) process.stderr.write(`--- output of pid ${p.child.pid} (tail) ---\n${p.out().slice(-3000)}\n`);
  } finally {
    // Last set up, first cleaned up; every cleanup runs even when one fails.
    for (const [name, c] of cleanups) {
      await c().catch((err: unknown) => process.stderr.write(`cleanup of ${name} failed: ${String(err)}\n`));
    }
  }
  return ok ? 0 : 1;
}

async function dropSchema(db: Db, schema: string): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

async function dropKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

process.exitCode = await main();
