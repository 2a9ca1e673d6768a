/**
 * The fault suite's own harness: the services it breaks must really break and really come
 * back, and nothing it starts may outlive it.
 */
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './harness/cli.ts';
import { startPostgres, startRedis } from './harness/services.ts';

function alive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withRedis<T>(url: string, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  r.on('error', () => undefined); // the refused connection is the assertion's business
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

async function pgQuery(url: string, sql: string): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe('the fault harness', () => {
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });

  describe("a Redis of the test's own", () => {
    it('without persistence, comes back empty after a restart', async () => {
      const redis = await startRedis();
      opened.push(redis);
      expect(redis.port).not.toBe(6379);
      await withRedis(redis.url, (r) => r.set('k', 'v'));
      await redis.stop();
      await expect(withRedis(redis.url, (r) => r.get('k'))).rejects.toThrow(/ECONNREFUSED|Connection is closed/);
      await redis.start();
      expect(await withRedis(redis.url, (r) => r.get('k'))).toBeNull();
    });

    it('with persistence, keeps what it acknowledged across a restart, even after a SIGKILL', async () => {
      const redis = await startRedis({ persistent: true });
      opened.push(redis);
      await withRedis(redis.url, (r) => r.set('k', 'v'));
      await redis.outage(200, 'kill');
      expect(await withRedis(redis.url, (r) => r.get('k'))).toBe('v');
    });
  });

  describe("a PostgreSQL of the test's own", () => {
    it('refuses connections while stopped, and serves the same data after a fast or an immediate stop', async () => {
      const server = await startPostgres();
      opened.push(server);
      expect(server.port).not.toBe(5432);
      await pgQuery(server.url, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
      await server.stop('fast');
      await expect(pgQuery(server.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
      await server.start();
      expect(await pgQuery(server.url, 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
      await server.outage(100, 'immediate');
      expect(await pgQuery(server.url, 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
    });
  });

  describe('the CLI', () => {
    it('runs a command to its end and reports its exit code and output', async () => {
      const r = await runCli(['show', 'x-1'], { DATA_DIR: '/nonexistent' }, 60_000);
      expect(r).toMatchObject({ code: 2, timedOut: false });
      expect(r.stderr).toMatch(/not a question id/);
    });

    it('reports a process ended by a signal', async () => {
      const p = spawnCli(['runs'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' });
      p.kill('SIGKILL');
      expect(await p.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(p.alive()).toBe(false);
    });
  });

  it('leaves no process and no directory behind once closed', async () => {
    const redis = await startRedis({ persistent: true });
    const server = await startPostgres();
    const pids = [redis.pid, server.pid];
    expect(pids.map(alive)).toEqual([true, true]);
    await Promise.all([redis.close(), server.close()]);
    expect(pids.map(alive)).toEqual([false, false]);
    expect([existsSync(redis.dir), existsSync(server.dir)]).toEqual([false, false]);
    await expect(pgQuery(server.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
