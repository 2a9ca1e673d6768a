import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumProblem } from '../../src/crawl/chromium-check.ts';
import { runCli } from '../cli/run-cli.ts';

describe('FETCH_MODE=browser without Chromium', () => {
  it('is found at once: a path that is not an executable file is named', async () => {
    expect(await chromiumProblem('/nonexistent/chromium')).toMatch(/CHROMIUM_PATH=\/nonexistent\/chromium is not an executable file/);
    const dir = mkdtempSync(path.join(tmpdir(), 'chromium-check-'));
    try {
      writeFileSync(path.join(dir, 'chromium'), '', { mode: 0o644 });
      expect(await chromiumProblem(path.join(dir, 'chromium'))).toMatch(/CHROMIUM_PATH/); // exists, not executable
      expect(await chromiumProblem(dir)).toMatch(/CHROMIUM_PATH/); // a directory
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await chromiumProblem('/bin/sh')).toBeNull();
  });

  it('looks a bare name up on PATH', async () => {
    expect(await chromiumProblem('sh', '/usr/bin:/bin')).toBeNull();
    expect(await chromiumProblem('no-such-chromium', '/usr/bin:/bin')).toMatch(/CHROMIUM_PATH=no-such-chromium is not an executable file on PATH/);
  });

  it('stops `crawl` at start with exit 2 naming CHROMIUM_PATH, before opening the database', async () => {
    const r = await runCli(['crawl'], { env: { FETCH_MODE: 'browser', CHROMIUM_PATH: '/nonexistent/chromium', DATA_DIR: '/nonexistent/data' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CHROMIUM_PATH=\/nonexistent\/chromium/);
  });

  it('stops `worker` at start with exit 2 naming CHROMIUM_PATH', async () => {
    const r = await runCli(['worker'], { env: { FETCH_MODE: 'browser', CHROMIUM_PATH: '/nonexistent/chromium', REDIS_URL: 'redis://127.0.0.1:1', DATA_DIR: '/nonexistent/data' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CHROMIUM_PATH=\/nonexistent\/chromium/);
  });
});
