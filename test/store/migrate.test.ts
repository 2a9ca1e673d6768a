import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { loadMigrations, migrate } from '../../src/store/migrate.ts';
import { dropSchema, pgTestDb, TEST_DATABASE_URL, uniqueSchema, type TestDb } from '../helpers/db.ts';

const run = promisify(execFile);
const CLI = path.resolve('bin/senate-questions.js');
const EXPECTED_TABLES = [
  'changes', 'crawl_runs', 'events', 'fetch_bodies', 'fetches', 'http_validators', 'question_events',
  'question_relations', 'question_texts', 'questions', 'run_jobs', 'schema_migrations',
];

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
        const [first] = loadMigrations();
        writeFileSync(path.join(dir, `0001_${first!.name}.sql`), `${first!.sql}\n-- edited`);
        await expect(migrate(t.db, loadMigrations(dir))).rejects.toThrow(/0001_init\.sql was changed after it was applied/);
      } finally {
        rmSync(dir, { recursive: true });
      }
    });
  });

  describe('when two processes migrate the same database at once', () => {
    it('both succeed, and each migration is applied exactly once', async () => {
      const schema = uniqueSchema();
      const env = { ...process.env, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, LOG_LEVEL: 'silent' };
      try {
        const [a, b] = await Promise.all([run('node', [CLI, 'migrate'], { env }), run('node', [CLI, 'migrate'], { env })]);
        const outputs = [a.stdout, b.stdout];
        expect(outputs.filter((o) => /^applied 1 migration/.test(o))).toHaveLength(1);
        expect(outputs.filter((o) => /up to date at schema version 1/.test(o))).toHaveLength(1);
        const db = await openDb({ databaseUrl: TEST_DATABASE_URL, schema });
        const { rows } = await db.query<{ version: number; n: number }>('SELECT version, count(*) OVER ()::int AS n FROM schema_migrations');
        await db.close();
        expect(rows).toEqual([{ version: 1, n: 1 }]);
      } finally {
        await dropSchema(schema);
      }
    });
  });

  describe('on the embedded database (PGlite) in a data directory', () => {
    it('migrates through the CLI with DATABASE_URL unset, and again harmlessly', async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'sq-data-'));
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "silent" };
      delete env.DATABASE_URL;
      try {
        const first = await run('node', [CLI, 'migrate'], { env });
        expect(first.stdout).toContain(`applied 1 migration(s) (1) on embedded database in ${dataDir}`);
        const second = await run('node', [CLI, 'migrate'], { env });
        expect(second.stdout).toContain('is up to date at schema version 1');
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
