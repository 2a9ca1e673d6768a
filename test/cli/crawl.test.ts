import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { runCli } from './run-cli.ts';

describe('senate-questions crawl on the embedded default (no DATABASE_URL, no REDIS_URL)', () => {
  let fake: FakeSenate;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 8, legislature: 8, seed: 17 } });
    dataDir = mkdtempSync(path.join(tmpdir(), 'sq-crawl-'));
    env = { SENATE_BASE_URL: fake.url, DATA_DIR: dataDir, CRAWL_RATE_PER_SEC: '50' };
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('crawls the legislature in-process, shows plain progress lines off a terminal, and ends with the summary', async () => {
    const { code, stdout, stderr } = await runCli(['crawl', '--legislature', '8'], { env });
    expect(code).toBe(0);
    // 18 requests: robots.txt, the listing page and 16 question pages: every request the Senate saw.
    expect(stdout).toMatch(/^run 1 succeeded: 8 new, 0 changed, 0 unchanged, 0 failed; 18 requests \(0 not modified, [\d.]+ KiB\), 9\/9 jobs in [\d.]+s\n$/);
    expect(fake.requests()).toHaveLength(18);
    expect(stderr).toMatch(/run 1: \[#{30}\] 9\/9 jobs, 8 new/);
    const shown = await runCli(['show', '8-2'], { env });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: '8-2', legislature: 8, number: 2 });
    const agents = new Set(fake.requests().map((r) => r.userAgent));
    expect([...agents]).toEqual([expect.stringMatching(/^senate-questions\/[\d.]+ \(\+.+\)$/)]);
  });

  it('lists the run with `runs`, as a line and as JSON', async () => {
    const lines = await runCli(['runs'], { env });
    expect(lines).toMatchObject({ code: 0, stderr: '' });
    expect(lines.stdout).toMatch(/^run 1 succeeded: 8 new, .* 9\/9 jobs in [\d.]+s\n$/);
    const json = await runCli(['runs', '--json', '--limit', '1'], { env });
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: 1, kind: 'crawl', status: 'succeeded', legislatures: [8], questionsNew: 8, jobsDone: 9 })]);
  });

  it('exits 1 when asked to show a question that is not stored', async () => {
    const r = await runCli(['show', '8-999'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: question 8-999 is not stored (crawl it first)\n');
  });

  it('exits 1 when the run fails, saying why', async () => {
    const down = await startFakeSenate({ questions: { n: 2, legislature: 8, seed: 1 } });
    down.fault({ kind: 'status', status: 403 });
    try {
      const r = await runCli(['crawl'], { env: { ...env, SENATE_BASE_URL: down.url, DATA_DIR: path.join(dataDir, 'b') } });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/run 1 failed: .*error: failed: /);
      expect(r.stderr).toMatch(/error: run 1 ended failed/);
    } finally {
      await down.close();
    }
  });
});
