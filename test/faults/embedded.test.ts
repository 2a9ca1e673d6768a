/**
 * Fault suite: two processes on one embedded data directory (PGlite in DATA_DIR), and
 * migrations raced from several processes. The embedded database is one process's: a second
 * process is refused at once and told which pid and command hold it; a lock left by a killed
 * process is recognised as stale. Three `migrate` at once on a fresh database all succeed (or
 * wait for each other), on PGlite and on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { loadMigrations, migrate } from '../../src/store/migrate.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { killAll, runCli, spawnCli, type CliProcess } from './harness/cli.ts';
import { schemaName } from './harness/db.ts';
import { track } from './harness/registry.ts';
import { startPostgres, type TestPostgres } from './harness/services.ts';
import { allRuns, compareWithTruth } from './harness/truth.ts';

const CLEAN = { lost: [], duplicated: [], worse: [] };

describe('when two processes share one embedded data directory', () => {
  let fake: FakeSenate | undefined;
  let dataDir: string;
  let forget: () => void;
  let procs: CliProcess[] = [];

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sq-faults-data-'));
    forget = track('data-dir', null, [dataDir]);
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    forget();
  });
  afterEach(async () => {
    await killAll(procs);
    procs = [];
    await fake?.close();
    fake = undefined;
  });

  const envFor = (dir: string, senate: FakeSenate) => ({
    DATA_DIR: dir,
    SENATE_BASE_URL: senate.url,
    CRAWLER_CONTACT: 'mailto:tests@example.org',
    LOG_LEVEL: 'warn',
    CRAWL_RATE_PER_SEC: '10',
    PROBE_MISSES: '3',
  });
  const start = (args: string[], env: Record<string, string>) => {
    const p = spawnCli(args, env);
    procs.push(p);
    return p;
  };

  /** What the embedded database holds, read once no process uses it. */
  async function storedIn(dir: string, senate: FakeSenate) {
    const db = await openDb({ dataDir: dir });
    try {
      return { report: await compareWithTruth(db, senate), runs: (await allRuns(db)).map((r) => r.status) };
    } finally {
      await db.close();
    }
  }

  it('a second crawl is refused at once, told which pid and command hold the database, and the first completes intact', async () => {
    fake = await startFakeSenate({ questions: { n: 30, legislature: 8, seed: 111 }, serving: 'varied', listingPageSize: 20 });
    const dir = path.join(dataDir, 'two-crawls');
    const env = envFor(dir, fake);
    const first = start(['crawl'], env);
    await first.waitFor(/run 1: /, 60_000, 'stderr');
    const second = start(['crawl'], env);
    const refused = await second.waitExit(30_000);
    expect(refused, `the second crawl within 30 s: ${second.describe()}`).toEqual({ code: 1, signal: null });
    expect(second.stderr(), 'the second crawl names the holder').toMatch(new RegExp(`\\b${first.pid}\\b`));
    expect(second.stderr(), 'the second crawl names the holder').toMatch(/\bcrawl\b/);
    expect(await first.waitExit(120_000), first.describe()).toEqual({ code: 0, signal: null });
    expect(await storedIn(dir, fake)).toEqual({ report: CLEAN, runs: ['succeeded'] });
  });

  it('a lock left by a SIGKILLed crawl is recognised as stale: the next crawl runs and stores everything', async () => {
    fake = await startFakeSenate({ questions: { n: 30, legislature: 8, seed: 112 }, serving: 'varied', listingPageSize: 20 });
    const dir = path.join(dataDir, 'stale');
    const env = envFor(dir, fake);
    const killed = start(['crawl'], env);
    await killed.waitFor(/run 1: /, 60_000, 'stderr');
    while (fake.requests().filter((r) => r.url.includes('SchriftelijkeVraag')).length < 10) await new Promise((r) => setTimeout(r, 100));
    killed.kill('SIGKILL');
    await killed.exited;
    const next = start(['crawl'], env);
    expect(await next.waitExit(120_000), next.describe()).toEqual({ code: 0, signal: null });
    const { report, runs } = await storedIn(dir, fake);
    expect(report).toEqual(CLEAN);
    expect(runs).toEqual(['cancelled', 'succeeded']);
  });

  it('three `migrate` at once on a fresh data directory all succeed', async () => {
    const dir = path.join(dataDir, 'migrate');
    const results = await Promise.all([0, 1, 2].map(() => runCli(['migrate'], { DATA_DIR: dir, LOG_LEVEL: 'warn' }, 90_000)));
    expect(results.map((r) => r.code), results.map((r) => r.describe()).join('\n\n')).toEqual([0, 0, 0]);
    const again = await runCli(['migrate'], { DATA_DIR: dir }, 60_000);
    expect(again.stdout).toMatch(/up to date/);
  });
});

describe('when three `migrate` run at once on a fresh PostgreSQL schema', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.close());

  it('from eight connections of one process racing to create the schema, 30 times over: all succeed', async () => {
    // The CLI's start-up jitter hides the race; eight pools started together meet it within a few rounds.
    for (let round = 0; round < 30; round++) {
      const schema = schemaName();
      const results = await Promise.allSettled(
        [0, 1, 2, 3, 4, 5, 6, 7].map(async () => {
          const db = await openDb({ databaseUrl: server.url, schema, poolSize: 1 });
          try {
            return await migrate(db);
          } finally {
            await db.close();
          }
        }),
      );
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
      expect(failed, `round ${round}`).toEqual([]);
    }
  });

  it('all succeed, the schema is created once and every migration is applied once', async () => {
    const schema = schemaName();
    const env = { DATABASE_URL: server.url, DATABASE_SCHEMA: schema, LOG_LEVEL: 'warn' };
    const results = await Promise.all([0, 1, 2].map(() => runCli(['migrate'], env, 90_000)));
    expect(results.map((r) => r.code), results.map((r) => r.describe()).join('\n\n')).toEqual([0, 0, 0]);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
    } finally {
      await client.end();
    }
  });
});
