/**
 * Real databases for tests: a fresh PostgreSQL schema per test (dropped afterwards), or an
 * in-memory PGlite (expensive: one per test file at most).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function uniqueSchema(): string {
  return `t_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}

export interface TestDb {
  db: Db;
  schema: string;
  url: string;
  drop(): Promise<void>;
}

/** A migrated PostgreSQL schema of its own. */
export async function pgTestDb(opts: { migrate?: boolean } = {}): Promise<TestDb> {
  const schema = uniqueSchema();
  const db = await openDb({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 4 });
  if (opts.migrate !== false) await migrate(db);
  return {
    db,
    schema,
    url: TEST_DATABASE_URL,
    async drop() {
      await db.close();
      await dropSchema(schema);
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A migrated in-memory PGlite. */
export async function pgliteTestDb(): Promise<TestDb> {
  const db = await openDb({ dataDir: 'memory://' });
  await migrate(db);
  return { db, schema: 'public', url: 'memory://', drop: () => db.close() };
}
