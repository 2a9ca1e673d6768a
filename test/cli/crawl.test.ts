import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';

const run = promisify(execFile);
const CLI = path.resolve('bin/senate-questions.js');

describe('senate-questions crawl on the embedded default (no DATABASE_URL, no REDIS_URL)', () => {
  let fake: FakeSenate;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 8, legislature: 8, seed: 17 } });
    dataDir = mkdtempSync(path.join(tmpdir(), 'sq-crawl-'));
    env = { ...process.env, SENATE_BASE_URL: fake.url, DATA_DIR: dataDir, CRAWL_RATE_PER_SEC: '50', LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('crawls the legislature in-process, shows plain progress lines off a terminal, and ends with the summary', async () => {
    const { stdout, stderr } = await run('node', [CLI, 'crawl', '--legislature', '8'], { env });
    expect(stdout).toMatch(/^run 1 succeeded: 8 new, 0 changed, 0 unchanged, 0 failed; 17 requests \(0 not modified, [\d.]+ KiB\), 9\/9 jobs in [\d.]+s\n$/);
    expect(stderr).toMatch(/run 1: \[#{30}\] 9\/9 jobs, 8 new/);
    const shown = await run('node', [CLI, 'show', '8-2'], { env });
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: '8-2', legislature: 8, number: 2 });
    const agents = new Set(fake.requests().map((r) => r.userAgent));
    expect([...agents]).toEqual([expect.stringMatching(/^senate-questions\/[\d.]+ \(\+.+\)$/)]);
  });

  it.each([
    [['crawl', '--legislature', 'eight'], /--legislature takes a legislature number such as 8, not "eight"/],
    [['crawl', '--legislature', '9'], /legislature 9 does not exist yet \(CURRENT_LEGISLATURE is 8\)/],
    [['crawl', '--all', '--legislature', '7'], /either --all or --legislature/],
    [['show', 'x-1'], /not a question id: "x-1"/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const err = (await run('node', [CLI, ...args], { env }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(message);
  });

  it('stops on SIGINT, records the run as cancelled and leaves the embedded database usable', async () => {
    const slow = await startFakeSenate({ questions: { n: 30, legislature: 8, seed: 2 }, latencyMs: 200 });
    const dir = path.join(dataDir, 'interrupted');
    const slowEnv = { ...env, SENATE_BASE_URL: slow.url, DATA_DIR: dir, CRAWL_RATE_PER_SEC: '5' };
    try {
      const child = execFile('node', [CLI, 'crawl'], { env: slowEnv });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      while (slow.requests().filter((r) => r.url.includes('SchriftelijkeVraag')).length < 3) await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGINT');
      expect(await exited).toBe(1);
      expect(err).toMatch(/SIGINT: stopping run 1/);
      const runs = await run('node', [CLI, 'runs'], { env: slowEnv });
      expect(runs.stdout).toMatch(/^run 1 cancelled: .*error: interrupted by a signal\n$/);
    } finally {
      await slow.close();
    }
  });

  it('exits 1 when the run fails, saying why', async () => {
    const down = await startFakeSenate({ questions: { n: 2, legislature: 8, seed: 1 } });
    down.fault({ kind: 'status', status: 403 });
    try {
      const err = (await run('node', [CLI, 'crawl'], { env: { ...env, SENATE_BASE_URL: down.url, DATA_DIR: path.join(dataDir, 'b') } }).catch((e: unknown) => e)) as { code: number; stdout: string; stderr: string };
      expect(err.code).toBe(1);
      expect(err.stdout).toMatch(/run 1 failed: .*error: failed: /);
      expect(err.stderr).toMatch(/error: run 1 ended failed/);
    } finally {
      await down.close();
    }
  });
});
