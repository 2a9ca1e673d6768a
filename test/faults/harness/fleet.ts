/**
 * One case of the suite with real processes: a fake Senate, a schema on the suite's own
 * PostgreSQL, optionally a Redis of the case's own, and the CLI processes the case starts
 * (workers, crawls), all closed by `close()` whatever happened.
 */
import { startFakeSenate, type FakeSenate, type FakeSenateOptions } from '../../fake-senate/server.ts';
import { killAll, spawnCli, type CliProcess } from './cli.ts';
import type { Db } from '../../../src/store/db.ts';
import { openSchema, type TestSchema } from './db.ts';
import { waitForRunEnd } from './truth.ts';
import type { CrawlRun } from '../../../src/store/runs.ts';
import { sleep, startRedis, type TestPostgres, type TestRedis } from './services.ts';

export interface CaseOptions {
  /** Questions the fake Senate serves (legislature 8). */
  n: number;
  seed: number;
  /** A Redis of the case's own (the BullMQ fleet), with or without persistence; none: in-process. */
  redis?: { persistent: boolean } | null;
  fake?: FakeSenateOptions;
  /** Settings for every CLI process of the case, over the defaults below. */
  env?: Record<string, string>;
}

export interface Case {
  fake: FakeSenate;
  t: TestSchema;
  redis: TestRedis | null;
  /** The environment every CLI process of the case gets. */
  env: Record<string, string>;
  /** Starts `senate-questions <args>` with the case's environment (plus `extra`). */
  cli(args: string[], extra?: Record<string, string | undefined>): CliProcess;
  /** Starts a worker and waits until it says it started. */
  worker(extra?: Record<string, string | undefined>): Promise<CliProcess>;
  /** Every process started so far. */
  readonly processes: readonly CliProcess[];
  close(): Promise<void>;
}

export async function openCase(pg: TestPostgres, opts: CaseOptions): Promise<Case> {
  const fake = await startFakeSenate({ questions: { n: opts.n, legislature: 8, seed: opts.seed }, serving: 'varied', listingPageSize: 20, ...opts.fake });
  const t = await openSchema(pg);
  const redis = opts.redis ? await startRedis({ persistent: opts.redis.persistent }) : null;
  const env: Record<string, string> = {
    ...t.env,
    ...(redis ? { REDIS_URL: redis.url } : {}),
    SENATE_BASE_URL: fake.url,
    CRAWLER_CONTACT: 'mailto:tests@example.org',
    LOG_LEVEL: 'warn',
    PROBE_MISSES: '3',
    CRAWL_RATE_PER_SEC: '10',
    FETCH_TIMEOUT_MS: '3000',
    FETCH_RETRIES: '2',
    WORKER_CONCURRENCY: '4',
    JOB_LOCK_MS: '2000',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...opts.env,
  };
  const processes: CliProcess[] = [];
  let closing: Promise<void> | null = null;
  return {
    fake,
    t,
    redis,
    env,
    processes,
    cli(args, extra = {}) {
      const p = spawnCli(args, { ...env, ...extra });
      processes.push(p);
      return p;
    },
    async worker(extra = {}) {
      const p = spawnCli(['worker'], { ...env, ...extra });
      processes.push(p);
      await p.waitFor(/worker \d+ started/, 30_000);
      return p;
    },
    close() {
      closing ??= (async () => {
        await killAll(processes);
        await Promise.allSettled([fake.close(), t.close(), redis?.close()]);
      })();
      return closing;
    },
  };
}

/** The id of the run a `crawl` process started, from its first line (`run N queued…` / the summary). */
export async function runIdOf(p: CliProcess, timeoutMs = 60_000): Promise<number> {
  const m = await p.waitFor(/^run (\d+) /m, timeoutMs, 'stdout').catch(() => null);
  if (m) return Number(m[1]);
  throw new Error(`no run id from ${p.describe()}`);
}

/** Processes of the case that died (or ended) although they should still run, described. */
export function deadProcesses(procs: readonly CliProcess[]): string[] {
  return procs.filter((p) => !p.alive()).map((p) => p.describe());
}

/** The newest run once there is one with an id above `after` (a crawl started by a process). */
export async function newRunId(db: Db, after: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { rows } = await db.query<{ id: number | null }>('SELECT max(id)::int AS id FROM crawl_runs');
      const id = rows[0]?.id ?? 0;
      if (id > after) return id;
    } catch {
      // the database may be down on purpose
    }
    if (Date.now() > deadline) throw new Error(`no run started in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The run once it has ended; when it does not in time, the error also says which of `workers` died meanwhile. */
export async function endedWithin(db: Db, runId: number, timeoutMs: number, workers: readonly CliProcess[]): Promise<CrawlRun> {
  try {
    return await waitForRunEnd(db, runId, timeoutMs);
  } catch (e) {
    const dead = deadProcesses(workers);
    throw new Error(`${(e as Error).message}\nworkers that died: ${dead.length > 0 ? dead.join('\n') : 'none'}`, { cause: e });
  }
}
