import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { loadMigrations, migrate, SchemaTooNewError } from '../../src/store/migrate.ts';
import { dropSchema, pgTestDb, TEST_DATABASE_URL, uniqueSchema, type TestDb } from '../helpers/db.ts';

const execFileAsync = promisify(execFile);
const CLI = path.resolve('bin/senate-questions.js');
/** The CLI, as a user runs it (one place to change if the bin changes). */
const run = (args: string[], opts: { env: NodeJS.ProcessEnv }) => execFileAsync('node', [CLI, ...args], opts);
/** Exit code and output of a CLI run that may fail. */
async function runStatus(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await run(args, { env })) };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
const EXPECTED_TABLES = [
  'changes', 'circuit_breakers', 'crawl_runs', 'events', 'fetch_bodies', 'fetches', 'http_validators', 'question_events', 'question_misses', 'question_origins',
  'question_relations', 'question_texts', 'questions', 'rate_budget', 'run_jobs', 'schema_migrations', 'webhook_attempts',
  'webhook_deliveries',
];
const VERSIONS = loadMigrations().map((m) => m.version);
const LATEST = Math.max(...VERSIONS);
const APPLIED_ALL = `applied ${VERSIONS.length} migration(s) (${VERSIONS.join(', ')})`;

async function tables(t: TestDb): Promise<string[]> {
  const { rows } = await t.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
    [t.schema],
  );
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  let t: TestDb | null = null;
  afterEach(async () => {
    await t?.drop();
    t = null;
  });

  describe('on a fresh PostgreSQL schema', () => {
    it('creates every table and records each migration in the ledger', async () => {
      t = await pgTestDb({ migrate: false });
      const result = await migrate(t.db);
      expect(result.applied).toEqual(loadMigrations().map((m) => m.version));
      expect(await tables(t)).toEqual(EXPECTED_TABLES);
      const { rows } = await t.db.query<{ version: number }>('SELECT version FROM schema_migrations');
      expect(rows.map((r) => r.version)).toEqual(result.applied);
    });
  });

  describe('when run twice', () => {
    it('applies nothing the second time and keeps the data', async () => {
      t = await pgTestDb();
      await t.db.query(`INSERT INTO crawl_runs (legislatures) VALUES ('{8}')`);
      const second = await migrate(t.db);
      expect(second.applied).toEqual([]);
      const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM crawl_runs');
      expect(rows[0]!.n).toBe(1);
    });
  });

  describe('when a landed migration was edited', () => {
    it('refuses to run and names the migration', async () => {
      t = await pgTestDb();
      const dir = mkdtempSync(path.join(tmpdir(), 'mig-'));
      try {
        for (const m of loadMigrations()) writeFileSync(path.join(dir, m.file), m.version === 1 ? `${m.sql}\n-- edited` : m.sql);
        await expect(migrate(t.db, loadMigrations(dir))).rejects.toThrow(/0001_init\.sql was changed after it was applied/);
      } finally {
        rmSync(dir, { recursive: true });
      }
    });
  });

  describe('when several processes migrate a database whose schema does not exist yet, at once', () => {
    it('all succeed: one creates the schema and applies every migration, the others find it up to date', async () => {
      const schema = uniqueSchema();
      const env = { ...process.env, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, LOG_LEVEL: 'silent' };
      try {
        const outputs = await Promise.all(Array.from({ length: 4 }, () => runStatus(['migrate'], env)));
        expect(outputs.map((o) => o.code)).toEqual([0, 0, 0, 0]);
        expect(outputs.filter((o) => o.stdout.startsWith(APPLIED_ALL))).toHaveLength(1);
        expect(outputs.filter((o) => o.stdout.includes(`up to date at schema version ${LATEST}`))).toHaveLength(3);
        const db = await openDb({ databaseUrl: TEST_DATABASE_URL, schema });
        const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
        await db.close();
        expect(rows.map((r) => r.version)).toEqual(VERSIONS);
      } finally {
        await dropSchema(schema);
      }
    });
  });

  describe('when many connections of one process open and migrate a new schema at once', () => {
    it('creates the schema once and applies each migration once, without a duplicate-key failure', async () => {
      const schema = uniqueSchema();
      try {
        const opened = await Promise.allSettled(Array.from({ length: 30 }, () => openDb({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 1 })));
        const dbs = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        try {
          expect(opened.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
          const results = await Promise.allSettled(dbs.map((db) => migrate(db)));
          expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
          const applied = results.map((r) => (r as PromiseFulfilledResult<{ applied: number[] }>).value.applied);
          expect(applied.filter((a) => a.length > 0)).toEqual([VERSIONS]);
          const { rows } = await dbs[0]!.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
          expect(rows.map((r) => r.version)).toEqual(VERSIONS);
        } finally {
          await Promise.all(dbs.map((db) => db.close()));
        }
      } finally {
        await dropSchema(schema);
      }
    });
  });

  describe('when the database was migrated by a newer release', () => {
    const NEWER = LATEST + 1;
    const MESSAGE = `the database was migrated by a newer senate-questions (schema version ${NEWER}, this release knows up to ${LATEST}): upgrade senate-questions`;

    it('refuses to migrate it, and changes nothing', async () => {
      t = await pgTestDb();
      await t.db.query(`INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, 'from_the_future', 'x')`, [NEWER]);
      const err = await migrate(t.db).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SchemaTooNewError);
      expect(err).toMatchObject({ message: MESSAGE, databaseVersion: NEWER, knownVersion: LATEST });
      const { rows } = await t.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual([...VERSIONS, NEWER]);
    });

    it('names a version it does not know below its newest one too', async () => {
      t = await pgTestDb();
      const [first] = loadMigrations();
      await t.db.query(`DELETE FROM schema_migrations WHERE version > $1`, [first!.version]);
      await t.db.query(`INSERT INTO schema_migrations (version, name, checksum) VALUES (9000, 'other_branch', 'x')`);
      const older = loadMigrations().filter((m) => m.version === first!.version);
      await expect(migrate(t.db, older)).rejects.toThrow(`the database was migrated by a newer senate-questions (schema version 9000, this release knows up to ${first!.version})`);
      const otherBranch = [...loadMigrations(), { ...first!, version: 9001, name: 'mine', file: '9001_mine.sql' }];
      await expect(migrate(t.db, otherBranch)).rejects.toThrow(/the database holds migration\(s\) 9000 that this senate-questions does not know \(it knows up to 9001\)/);
    });

    it('every command that opens the database stops with the message (exit 1)', async () => {
      t = await pgTestDb();
      await t.db.query(`INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, 'from_the_future', 'x')`, [NEWER]);
      const env = { ...process.env, DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema, LOG_LEVEL: 'silent' };
      const [mig, runs] = await Promise.all([runStatus(['migrate'], env), runStatus(['runs'], env)]);
      expect([mig.code, mig.stderr]).toEqual([1, `error: ${MESSAGE}\n`]);
      expect([runs.code, runs.stderr]).toEqual([1, `error: ${MESSAGE}\n`]);
    });
  });

  describe('on the embedded database (PGlite) in a data directory', () => {
    it('migrates through the CLI with DATABASE_URL unset, and again harmlessly', async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'sq-data-'));
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "silent" };
      delete env.DATABASE_URL;
      try {
        const first = await run(['migrate'], { env });
        expect(first.stdout).toContain(`${APPLIED_ALL} on embedded database in ${dataDir}`);
        const second = await run(['migrate'], { env });
        expect(second.stdout).toContain(`is up to date at schema version ${LATEST}`);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('two migrate at once on a fresh directory: one applies, the other waits for it or is told who holds it', async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'sq-data-'));
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
      delete env.DATABASE_URL;
      try {
        const outputs = await Promise.all([runStatus(['migrate'], env), runStatus(['migrate'], env)]);
        expect(outputs.filter((o) => o.code === 0 && o.stdout.startsWith(APPLIED_ALL))).toHaveLength(1);
        const other = outputs.find((o) => !o.stdout.startsWith(APPLIED_ALL))!;
        if (other.code === 0) expect(other.stdout).toContain(`is up to date at schema version ${LATEST}`);
        else expect([other.code, other.stderr]).toEqual([1, expect.stringMatching(/^error: the embedded database in .+ is in use by pid \d+ \(senate-questions migrate, since \d\d:\d\d:\d\d\); wait for it to finish or stop it\n$/)]);
        const again = await run(['migrate'], { env });
        expect(again.stdout).toContain(`is up to date at schema version ${LATEST}`);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
