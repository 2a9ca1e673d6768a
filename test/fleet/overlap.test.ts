/** Overlapping crawls on the fleet, through the CLI: refused by default, joined with --wait. */
import { execFile, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { fleetClient, spawnWorker, TEST_REDIS_URL, type FleetClient, type WorkerProcess } from '../helpers/fleet.ts';

const CLI = path.resolve('bin/senate-questions.js');

/** The CLI as a user runs it (the one place to change if the bin changes). */
function cli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; stdout: () => string; exited: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = execFile('node', [CLI, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, stdout: () => stdout, exited: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr }))) };
}

describe('a crawl asked for while a fleet crawl of the same legislature runs', () => {
  let fake: FakeSenate | undefined;
  let t: TestDb | undefined;
  let client: FleetClient | undefined;
  let worker: WorkerProcess | undefined;
  afterEach(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await worker?.exited;
    await client?.close();
    await t?.drop();
    await fake?.close();
  });

  it('is refused, naming the run and how to follow it; with --wait it follows that run instead, and nothing is fetched twice', async () => {
    fake = await startFakeSenate({ questions: { n: 10, legislature: 8, seed: 4 } });
    t = await pgTestDb();
    client = fleetClient(t.db);
    const env: Record<string, string> = {
      DATABASE_URL: t.url,
      DATABASE_SCHEMA: t.schema,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: client.prefix,
      SENATE_BASE_URL: fake.url,
      CRAWL_RATE_PER_SEC: '0',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '2000',
    };
    const cliEnv = { ...process.env, ...env };
    // No worker yet: the first run stays queued.
    const first = await cli(['crawl', '-l', '8'], cliEnv).exited;
    expect(first).toMatchObject({ code: 0, stdout: 'run 1 queued for legislature(s) 8; workers: senate-questions worker\n' });

    const refused = await cli(['crawl', '-l', '8'], cliEnv).exited;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: run 1 \(legislature\(s\) 8, incremental, since \d\d:\d\d:\d\d, on the fleet, 0\/1 jobs done\) is already crawling legislature\(s\) 8; this crawl is refused: follow it with `senate-questions crawl --wait -l 8` \(joins it\) or `senate-questions runs`; it ends when its jobs are done\n$/,
    );

    const joining = cli(['crawl', '-l', '8', '--wait'], cliEnv);
    const deadline = Date.now() + 60_000;
    while (!joining.stdout().includes('following it')) {
      if (Date.now() > deadline || joining.child.exitCode !== null) throw new Error(`crawl --wait did not join: ${joining.stdout()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    worker = await spawnWorker(env);
    const joined = await joining.exited;
    expect(joined.code).toBe(0);
    expect(joined.stdout).toMatch(
      /^run 1 \(legislature\(s\) 8, incremental, since \d\d:\d\d:\d\d, on the fleet, 0\/1 jobs done\) is already running: following it instead of starting another\nrun 1 succeeded: 10 new, /,
    );
    const { rows } = await t.db.query<{ id: number }>('SELECT id FROM crawl_runs');
    expect(rows).toEqual([{ id: 1 }]);
    const questionPages = fake.requests().filter((r) => r.url.includes('SchriftelijkeVraag'));
    expect(questionPages).toHaveLength(20);
    expect(new Set(questionPages.map((r) => r.url)).size).toBe(20);
  });
});
