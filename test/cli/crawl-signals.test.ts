/** What needs a real process: a crawl interrupted by a signal. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { DEV_BIN, runCli } from './run-cli.ts';

describe('senate-questions crawl in its own process, when interrupted', () => {
  let slow: FakeSenate;
  let dataDir: string;

  beforeAll(async () => {
    slow = await startFakeSenate({ questions: { n: 30, legislature: 8, seed: 2 }, latencyMs: 200 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'sq-signals-'));
  });
  afterAll(async () => {
    await slow?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops on SIGINT, records the run as cancelled and leaves the embedded database usable', async () => {
    const env = { SENATE_BASE_URL: slow.url, DATA_DIR: dataDir, CRAWL_RATE_PER_SEC: '5', LOG_LEVEL: 'silent' };
    const processEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete processEnv.DATABASE_URL;
    delete processEnv.REDIS_URL;
    const child = execFile(process.execPath, [DEV_BIN, 'crawl'], { env: processEnv });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    while (slow.requests().filter((r) => r.url.includes('SchriftelijkeVraag')).length < 3) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(err).toMatch(/SIGINT: stopping run 1/);
    const runs = await runCli(['runs'], { env });
    expect(runs.stdout).toMatch(/^run 1 cancelled: .*error: interrupted by a signal\n$/);
  });
});
