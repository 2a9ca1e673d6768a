/** `worker --metrics-port N` serves the fleet's metrics while the worker runs (a spawned worker: e2e). */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { fleetClient, TEST_REDIS_URL, type FleetClient } from '../helpers/fleet.ts';
import { runCli } from '../cli/run-cli.ts';
import { spawn, type ChildProcess } from 'node:child_process';

const CLI = 'bin/senate-questions.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('worker --metrics-port', () => {
  let t: TestDb | undefined;
  let client: FleetClient | undefined;
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await client?.close();
    await t?.drop();
    [child, client, t] = [undefined, undefined, undefined];
  });

  it('serves /metrics with the queues and the store while it runs, and stops with the worker', async () => {
    t = await pgTestDb();
    client = fleetClient(t.db);
    const port = await freePort();
    child = spawn(process.execPath, [CLI, 'worker', '--metrics-port', String(port)], {
      env: { ...process.env, DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: client.prefix, LOG_LEVEL: 'warn', SHUTDOWN_TIMEOUT_MS: '5000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!/worker \d+ started/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`worker did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toContain(`metrics on port ${port}: /metrics`);

    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/senate_queue_depth\{queue="fetch-question",component="worker"\} 0/);
    expect(text).toMatch(/senate_requests_total\{component="worker"\} 0/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('refuses a port that is not a whole number (exit 2)', async () => {
    const r = await runCli(['worker', '--metrics-port', 'abc'], { env: { REDIS_URL: TEST_REDIS_URL } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--metrics-port takes a whole number ≥ 1, not "abc"');
  });
});
