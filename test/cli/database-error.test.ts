import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { explainDatabaseError, redactDatabaseUrl } from '../../src/cli/database-error.ts';
import { WorkFailedError } from '../../src/util/errors.ts';
import { runCli } from './run-cli.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a database that cannot be reached', () => {
  it('is named by DATABASE_URL (password hidden) with the cause, exit 1', async () => {
    const port = await closedPort();
    const r = await runCli(['runs'], { env: { DATABASE_URL: `postgres://me:s3cret@127.0.0.1:${port}/test` } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`DATABASE_URL=postgres://me:***@127.0.0.1:${port}/test`);
    expect(r.stderr).toContain('connection refused');
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr).not.toContain('s3cret');
  });

  it('looks inside an AggregateError (both address families refused)', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    const err = explainDatabaseError(new AggregateError([inner], ''), 'postgres://localhost/x');
    expect(err).toBeInstanceOf(WorkFailedError);
    expect((err as Error).message).toMatch(/DATABASE_URL=postgres:\/\/localhost\/x: connection refused.*\(ECONNREFUSED\)/);
  });

  it('leaves other errors (a failed query) as they were', () => {
    const err = Object.assign(new Error('relation "x" does not exist'), { code: '42P01' });
    expect(explainDatabaseError(err, 'postgres://localhost/x')).toBe(err);
    expect(explainDatabaseError(err, undefined)).toBe(err);
  });

  it('hides the password of a URL', () => {
    expect(redactDatabaseUrl('postgres://u:p@h:1/d')).toBe('postgres://u:***@h:1/d');
    expect(redactDatabaseUrl('postgres://h/d')).toBe('postgres://h/d');
  });
});
