import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../helpers/db.ts';
import { TEST_REDIS_URL } from '../helpers/fleet.ts';
import { runCli } from './run-cli.ts';

describe('senate-questions migrate and healthcheck on PostgreSQL', () => {
  const schema = uniqueSchema();
  const env = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL: TEST_REDIS_URL };

  beforeAll(async () => {
    const first = await runCli(['migrate'], { env });
    expect(first.stdout).toMatch(/^applied \d+ migration\(s\) \(1(, \d+)*\) on PostgreSQL; schema version \d+\n$/);
  });
  afterAll(() => dropSchema(schema));

  it('migrates once: a second migrate finds the schema up to date', async () => {
    const again = await runCli(['migrate'], { env });
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/^PostgreSQL is up to date at schema version \d+\n$/) });
  });

  describe('when PostgreSQL and Redis answer', () => {
    it('exits 0 and says so', async () => {
      const r = await runCli(['healthcheck'], { env });
      expect(r).toEqual({ code: 0, stdout: 'database: PostgreSQL answers\nredis: Redis answers PONG\n', stderr: '' });
    });
  });

  describe('when Redis does not answer', () => {
    it('exits 1 naming it', async () => {
      const r = await runCli(['healthcheck', '--timeout-ms', '3000'], { env: { ...env, REDIS_URL: 'redis://127.0.0.1:1' } });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^database: PostgreSQL answers\nredis: FAILED: .+\n$/);
      expect(r.stderr).toBe('error: unhealthy: redis\n');
    });
  });

  describe('when the schema was never migrated', () => {
    it('exits 1: the database is not ready for work', async () => {
      const empty = uniqueSchema();
      try {
        const r = await runCli(['healthcheck'], { env: { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: empty } });
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/^database: FAILED: .*crawl_runs.*\n$/);
      } finally {
        await dropSchema(empty);
      }
    });
  });
});
