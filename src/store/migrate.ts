/**
 * Numbered, append-only SQL migrations (`migrations/NNNN_name.sql`), applied in one
 * transaction under an advisory lock and recorded in a ledger table. Running them twice, or
 * from two processes at once, is harmless: the second waits for the lock, then finds nothing
 * to do. A migration that was edited after it was applied is refused (its checksum differs),
 * and so is a database that holds a migration this release does not know (a newer release
 * migrated it): SchemaTooNewError, and every command that opens the store stops on it (exit 1).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrationLockSql, type Db, type Queryable } from './db.ts';

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new Error(`migration file ${file} is not named NNNN_name.sql`);
    const version = Number(m[1]);
    if (seen.has(version)) throw new Error(`two migrations have number ${m[1]}`);
    seen.add(version);
    const sql = readFileSync(path.join(dir, file), 'utf8');
    return { version, name: m[2]!, file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

/** The database was migrated by a release that knows migrations this one does not. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(
    /** the highest version in the database's ledger */
    readonly databaseVersion: number,
    /** the highest version this release knows */
    readonly knownVersion: number,
    /** versions in the ledger that this release does not have */
    readonly unknown: readonly number[],
  ) {
    super(
      databaseVersion > knownVersion
        ? `the database was migrated by a newer senate-questions (schema version ${databaseVersion}, this release knows up to ${knownVersion}): upgrade senate-questions`
        : `the database holds migration(s) ${unknown.join(', ')} that this senate-questions does not know (it knows up to ${knownVersion}): run the release that migrated it`,
    );
  }
}

export interface MigrateResult {
  applied: number[];
  current: number;
}

/** Applies every pending migration. Returns the versions applied by this call. */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<MigrateResult> {
  return db.transaction(async (tx) => {
    // The lock key is per schema, so isolated test schemas do not wait on each other; it is the
    // key openDb creates a missing schema under.
    await tx.query(migrationLockSql(`coalesce(current_schema(), '')`));
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations');
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    const current = Math.max(0, ...migrations.map((m) => m.version));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...done.keys()].filter((v) => !known.has(v)).sort((a, b) => a - b);
    if (unknown.length > 0) throw new SchemaTooNewError(Math.max(...done.keys()), current, unknown);
    const applied: number[] = [];
    for (const m of migrations) {
      const have = done.get(m.version);
      if (have !== undefined) {
        if (have !== m.checksum) throw new Error(`migration ${m.file} was changed after it was applied; add a new migration instead`);
        continue;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      applied.push(m.version);
    }
    return { applied, current };
  });
}

/**
 * Migrations this release has that the database has not applied (empty: current). Reads the
 * ledger only, never migrates: for readiness checks. A database holding a migration this
 * release does not know is reported by `unknown`.
 */
export async function migrationStatus(db: Queryable, migrations = loadMigrations()): Promise<{ pending: number[]; unknown: number[] }> {
  const { rows: [ledger] } = await db.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  const applied = ledger?.present ? (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version) : [];
  const known = new Set(migrations.map((m) => m.version));
  const done = new Set(applied);
  return {
    pending: migrations.filter((m) => !done.has(m.version)).map((m) => m.version),
    unknown: applied.filter((v) => !known.has(v)).sort((a, b) => a - b),
  };
}

/** One round trip to the database (readiness checks). */
export async function pingDb(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
