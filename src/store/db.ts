/**
 * One small database interface over two engines: PostgreSQL (pg Pool) and embedded
 * PostgreSQL (PGlite). The repositories and migrations use only this, so the same SQL runs
 * on both. Values come back alike on both: `date` as 'YYYY-MM-DD' strings, int8 as numbers,
 * bytea as Buffer, timestamptz as Date, jsonb parsed.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../util/logger.ts';
import { coerceError } from '../util/errors.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { classifyDbError, DbUnavailableError, isDbUnavailable } from './db-errors.ts';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** Runs `fn` in one transaction; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Idempotent: later calls return the first call's promise. */
  close(): Promise<void>;
}

const OID_INT8 = 20;
const OID_DATE = 1082;

pg.types.setTypeParser(OID_INT8, (v: string) => Number(v));
pg.types.setTypeParser(OID_DATE, (v: string) => v);

export interface OpenDbOptions {
  /** postgres:// URL; unset → PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  /**
   * Directory of the embedded database; `memory://` for a throwaway one. A directory is locked
   * for this process until close() (see data-dir-lock.ts): another process gets DataDirBusyError.
   */
  dataDir?: string;
  /** How long to wait for another process to let go of the embedded database, ms. Default 0: refuse at once. */
  lockWaitMs?: number;
  /** PostgreSQL schema to work in (tests isolate themselves this way). */
  schema?: string;
  poolSize?: number;
  logger?: Logger;
}

export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.databaseUrl) return openPg(opts.databaseUrl, opts);
  return openPglite(opts.dataDir ?? './data', opts);
}

/**
 * Retryable PostgreSQL failures: by SQLSTATE (serialization, deadlock), and the database being
 * away (DbUnavailableError, see db-errors.ts: admin shutdown, refused, connection cut…).
 */
export function isTransientDbError(err: unknown): boolean {
  if (isDbUnavailable(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ['40001', '40P01'].includes(code);
}

/** Runs one call to the driver, its failure classed (DbUnavailableError when the database is away). */
async function classified<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw classifyDbError(e);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function openPg(url: string, opts: OpenDbOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    // A server that accepts the connection and then says nothing must not hang a query forever.
    connectionTimeoutMillis: 15_000,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // An 'error' event without a listener kills the process: idle clients report here, clients
  // checked out for a transaction to the listener transaction() adds. The query that was using
  // the connection fails with the same error, and that is what the caller handles.
  pool.on('error', (err) => opts.logger?.warn({ err: err.message }, 'idle PostgreSQL connection failed'));
  if (opts.schema) {
    try {
      await classified(() => ensureSchema(pool, opts.schema!));
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
  }
  let closing: Promise<void> | null = null;
  const db: Db = {
    kind: 'pg',
    async query<R>(sql: string, params?: readonly unknown[]) {
      const r = await classified(() => pool.query(sql, params as unknown[] | undefined));
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await classified(() => pool.query(sql));
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await classified(() => pool.connect());
      const onError = (err: Error) => opts.logger?.warn({ err: err.message }, 'PostgreSQL connection failed during a transaction');
      client.on('error', onError);
      // A connection that failed goes back to the pool as broken (release(err) destroys it).
      let broken: Error | undefined;
      try {
        await classified(() => client.query('BEGIN'));
        const tx: Queryable = {
          async query<R>(sql: string, params?: readonly unknown[]) {
            const r = await classified(() => client.query(sql, params as unknown[] | undefined));
            return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
          },
          async exec(sql: string) {
            await classified(() => client.query(sql));
          },
        };
        const out = await fn(tx);
        await classified(() => client.query('COMMIT'));
        return out;
      } catch (e) {
        if (e instanceof DbUnavailableError) broken = e;
        await client.query('ROLLBACK').catch((err: unknown) => (broken ??= err instanceof Error ? err : new Error(String(err))));
        throw e;
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    },
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
  return db;
}

/**
 * The advisory lock key of a schema's migrations (and of its creation). Keyed on the name so
 * that isolated schemas do not wait on each other.
 */
export function migrationLockSql(schemaExpr: string): string {
  return `SELECT pg_advisory_xact_lock(hashtext('senate-questions:migrate:' || ${schemaExpr})::bigint)`;
}

/**
 * Creates the schema if it is missing, under the migration's advisory lock: two processes
 * running CREATE SCHEMA IF NOT EXISTS at once can both find it missing, and one then fails on
 * pg_namespace's unique index. An existing schema needs no lock and no CREATE privilege.
 */
async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  const exists = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if ((exists.rowCount ?? 0) > 0) return;
  const client = await pool.connect();
  // Its failure reaches us through the query; an unheard 'error' event would kill the process.
  client.on('error', () => undefined);
  try {
    await client.query('BEGIN');
    await client.query(migrationLockSql('$1::text'), [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

async function openPglite(dataDir: string, opts: OpenDbOptions): Promise<Db> {
  const { PGlite, types } = await import('@electric-sql/pglite');
  const inMemory = dataDir.startsWith('memory://');
  const dir = inMemory ? dataDir : path.resolve(dataDir, 'pglite');
  // Lost only if another host took a lock it judged stale, or the file was removed: stop writing.
  let lost: Error | null = null;
  const lock: DataDirLock | null = inMemory
    ? null
    : await lockDataDir(dataDir, {
        waitMs: opts.lockWaitMs ?? 0,
        ...(opts.logger ? { logger: opts.logger } : {}),
        onLost: (err) => {
          lost = err;
        },
      });
  let lite: InstanceType<typeof PGlite>;
  try {
    if (!inMemory) mkdirSync(dir, { recursive: true });
    try {
      lite = await PGlite.create(dir, {
        parsers: {
          [types.INT8]: (v: string) => Number(v),
          [types.DATE]: (v: string) => v,
        },
      });
    } catch (e) {
      throw new Error(`cannot open the embedded database in ${dir}: ${coerceError(e).message}`, { cause: coerceError(e) });
    }
    if (opts.schema) {
      try {
        await lite.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}; SET search_path TO ${quoteIdent(opts.schema)}`);
      } catch (e) {
        await lite.close().catch(() => undefined);
        throw e;
      }
    }
  } catch (e) {
    await lock?.release().catch(() => undefined);
    throw e;
  }
  // PGlite is one connection: serialise transactions with plain queries so they never interleave.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const fn = () => (lost ? Promise.reject(lost) : work());
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  const norm = <R>(r: { rows: unknown[]; affectedRows?: number }): QueryResult<R> => ({
    rows: r.rows.map(fixBytea) as R[],
    rowCount: r.affectedRows ?? r.rows.length,
  });
  let closing: Promise<void> | null = null;
  return {
    kind: 'pglite',
    query<R>(sql: string, params?: readonly unknown[]) {
      return serial(() => classified(async () => norm<R>(await lite.query(sql, params as unknown[] | undefined))));
    },
    exec(sql: string) {
      return serial(() =>
        classified(async () => {
          await lite.exec(sql);
        }),
      );
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return serial(() =>
        classified(() =>
          lite.transaction(async (t) =>
            fn({
              async query<R>(sql: string, params?: readonly unknown[]) {
                return norm<R>(await t.query(sql, params as unknown[] | undefined));
              },
              async exec(sql: string) {
                await t.exec(sql);
              },
            }),
          ),
        ),
      ) as Promise<T>;
    },
    close() {
      closing ??= (async () => {
        try {
          await chain;
          await lite.close();
        } finally {
          await lock?.release();
        }
      })();
      return closing;
    },
  };
}

/** PGlite returns bytea as Uint8Array; pg as Buffer. Make both Buffer. */
function fixBytea(row: unknown): unknown {
  if (row && typeof row === 'object') {
    const r = row as Record<string, unknown>;
    for (const k of Object.keys(r)) {
      const v = r[k];
      if (v instanceof Uint8Array && !Buffer.isBuffer(v)) r[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
  }
  return row;
}
