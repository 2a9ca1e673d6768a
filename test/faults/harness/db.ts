/** A database of the test's own on a TestPostgres: one schema per case, migrated, with the env the CLI needs to use it. */
import { randomUUID } from 'node:crypto';
import { openDb, type Db } from '../../../src/store/db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import type { TestPostgres } from './services.ts';

export interface TestSchema {
  db: Db;
  schema: string;
  /** DATABASE_URL and DATABASE_SCHEMA for a CLI process. */
  env: { DATABASE_URL: string; DATABASE_SCHEMA: string };
  close(): Promise<void>;
}

export function schemaName(): string {
  return `f_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** A fresh schema on `pg`; migrated unless `migrate: false` (cases about migrating). */
export async function openSchema(pg: TestPostgres, opts: { migrate?: boolean } = {}): Promise<TestSchema> {
  const schema = schemaName();
  const db = await openDb({ databaseUrl: pg.url, schema, poolSize: 4 });
  if (opts.migrate !== false) await migrate(db);
  return { db, schema, env: { DATABASE_URL: pg.url, DATABASE_SCHEMA: schema }, close: () => db.close() };
}
