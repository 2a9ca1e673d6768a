/**
 * The database going away under a live pool, on a PostgreSQL of the test's own (the fault
 * suite's harness starts and stops it): no 'error' event may go unheard (an unhandled one
 * kills the process, and vitest fails the file on it), every failure is DbUnavailableError,
 * and the pool works again once the server is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.ts';
import { DbUnavailableError, waitForDb } from '../../src/store/db-errors.ts';
import { startPostgres, type TestPostgres } from '../faults/harness/services.ts';

describe('when PostgreSQL goes away under a pool', () => {
  let pg: TestPostgres;
  let db: Db;
  beforeAll(async () => {
    pg = await startPostgres();
    db = await openDb({ databaseUrl: pg.url, poolSize: 4 });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await pg?.close();
  });

  it('a transaction in flight and the idle connections fail with DbUnavailableError, and nothing kills the process', async () => {
    // Idle connections in the pool, and one checked out for a transaction.
    await Promise.all([db.query('SELECT 1'), db.query('SELECT 1'), db.query('SELECT 1')]);
    let inTx: (() => void) | undefined;
    const started = new Promise<void>((r) => (inTx = r));
    const tx = db
      .transaction(async (t) => {
        await t.query('SELECT 1');
        inTx!();
        await t.query('SELECT pg_sleep(30)');
      })
      .catch((e: unknown) => e);
    await started;
    await pg.stop('fast');
    const err = await tx;
    expect(err).toBeInstanceOf(DbUnavailableError);
    const refused = await db.query('SELECT 1').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DbUnavailableError);
    expect((refused as DbUnavailableError).code).toBe('ECONNREFUSED');
  }, 120_000);

  it('waitForDb probes until the server is back, and the pool works again, transactions included', async () => {
    const waits: number[] = [];
    const back = waitForDb(db, { initialDelayMs: 200, maxDelayMs: 1_000, onWait: ({ attempt }) => waits.push(attempt) });
    await new Promise((r) => setTimeout(r, 1_500));
    await pg.start();
    await back;
    expect(waits.length, 'probes while the server was away').toBeGreaterThan(1);
    expect((await db.query<{ n: number }>('SELECT 41 + 1 AS n')).rows).toEqual([{ n: 42 }]);
    expect(await db.transaction(async (t) => (await t.query<{ n: number }>('SELECT 7 AS n')).rows[0]!.n)).toBe(7);
  }, 120_000);
});
