import { describe, expect, it } from 'vitest';
import { isRedisUnavailable, isRetryable, NetworkError } from '../../src/crawl/errors.ts';
import { openDb } from '../../src/store/db.ts';
import { classifyDbError, DbUnavailableError, findDbUnavailable, isDbUnavailable, waitForDb } from '../../src/store/db-errors.ts';
import { isTransientDbError } from '../../src/store/db.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classifying database errors', () => {
  describe('when the database is away', () => {
    it.each([
      ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5999', 'ECONNREFUSED')],
      ['a connection cut by the server', new Error('Connection terminated unexpectedly')],
      ['a connection that timed out', new Error('Connection terminated due to connection timeout')],
      ['a client used after its connection failed', new Error('Client has encountered a connection error and is not queryable')],
      ['an administrator shutdown (57P01)', withCode('terminating connection due to administrator command', '57P01')],
      ['a server starting up (57P03)', withCode('the database system is starting up', '57P03')],
      ['a connection failure (08006)', withCode('connection failure', '08006')],
      ['the embedded database closed', new Error('PGlite is closed')],
      ['happy eyeballs: one refusal per address', new AggregateError([withCode('connect ECONNREFUSED ::1:5999', 'ECONNREFUSED'), withCode('connect ECONNREFUSED 127.0.0.1:5999', 'ECONNREFUSED')])],
    ])('classes %s as DbUnavailableError, transient and retryable', (_what, err) => {
      const classified = classifyDbError(err);
      expect(classified).toBeInstanceOf(DbUnavailableError);
      expect((classified as Error).message).toMatch(/DATABASE_URL/);
      expect((classified as Error).cause).toBe(err);
      expect(isTransientDbError(classified)).toBe(true);
      expect(isRetryable(classified)).toBe(true);
    });
  });

  describe('when the query itself is wrong', () => {
    it.each([
      ['a unique violation (23505)', withCode('duplicate key value violates unique constraint', '23505')],
      ['a syntax error (42601)', withCode('syntax error at or near "SELEC"', '42601')],
      ['a NUL byte (22021)', withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021')],
    ])('leaves %s as it is, not retryable', (_what, err) => {
      expect(classifyDbError(err)).toBe(err);
      expect(isDbUnavailable(err)).toBe(false);
      expect(isRetryable(err)).toBe(false);
    });
  });

  it("finds the database's failure inside a job's per-language failures and causes, and never takes the Senate's refusal for it", () => {
    const away = classifyDbError(withCode('connect ECONNREFUSED 127.0.0.1:5999', 'ECONNREFUSED')) as DbUnavailableError;
    const senate = new NetworkError('https://www.senate.be/x', 'ECONNREFUSED');
    const job = Object.assign(new Error('8-1: fr: …; nl: …'), { failures: { fr: senate, nl: new Error('archiving failed', { cause: away }) } });
    expect(findDbUnavailable(job)).toBe(away);
    expect(findDbUnavailable(Object.assign(new Error('8-1'), { failures: { fr: senate } }))).toBeNull();
    expect(findDbUnavailable(senate)).toBeNull();
  });

  it("classes Redis giving up on a command while it reconnects as retryable (the fetcher's limiter and breaker)", () => {
    const maxRetries = Object.assign(new Error('Reached the max retries per request limit (which is 3). Refer to "maxRetriesPerRequest" option for details.'), { name: 'MaxRetriesPerRequestError' });
    expect(isRedisUnavailable(maxRetries)).toBe(true);
    expect(isRetryable(maxRetries)).toBe(true);
    expect(isRetryable(new Error('Connection is closed.'))).toBe(true);
    expect(isRedisUnavailable(new Error('ERR wrong number of arguments'))).toBe(false);
  });
});

describe('a database that is away, for real', () => {
  it('a query on PostgreSQL where nothing listens rejects with DbUnavailableError naming DATABASE_URL', async () => {
    const db = await openDb({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const err = await db.query('SELECT 1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DbUnavailableError);
      expect((err as Error).message).toMatch(/DATABASE_URL.*ECONNREFUSED/);
      const inTx = await db.transaction((tx) => tx.query('SELECT 1')).catch((e: unknown) => e);
      expect(inTx).toBeInstanceOf(DbUnavailableError);
    } finally {
      await db.close();
    }
  });

  it('waitForDb probes with growing waits while the database is away, says so at each step, and gives up only when told', async () => {
    const db = await openDb({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' });
    const steps: number[] = [];
    const stop = new AbortController();
    try {
      const waiting = waitForDb(db, {
        initialDelayMs: 20,
        maxDelayMs: 60,
        signal: stop.signal,
        onWait: ({ attempt, delayMs }) => {
          steps.push(delayMs);
          if (attempt === 4) stop.abort(new Error('enough'));
        },
      });
      await expect(waiting).rejects.toThrow('enough');
      expect(steps).toEqual([20, 30, 45, 60]);
    } finally {
      await db.close();
    }
  });

  it('an embedded database used after it closed rejects with DbUnavailableError', async () => {
    const db = await openDb({ dataDir: 'memory://' });
    await db.query('SELECT 1');
    await db.close();
    // After close the serial chain refuses on PGlite's side; the message says the database is closed.
    const err = await db.query('SELECT 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbUnavailableError);
  });
});
