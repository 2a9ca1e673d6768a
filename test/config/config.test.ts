import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTINGS } from '../../config/index.ts';
import { runCli } from '../cli/run-cli.ts';

describe('configuration', () => {
  it('gives the documented defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ databaseUrl: undefined, redisUrl: undefined, senateBaseUrl: 'https://www.senate.be', crawlRatePerSec: 1, logLevel: 'info' });
  });

  it('reads typed values from their variables', () => {
    const c = loadConfig({ CRAWL_RATE_PER_SEC: '2.5', WORKER_CONCURRENCY: '8', DATABASE_URL: 'postgres://u@h/db', FETCH_MODE: 'browser' });
    expect(c).toMatchObject({ crawlRatePerSec: 2.5, workerConcurrency: 8, databaseUrl: 'postgres://u@h/db', fetchMode: 'browser' });
  });

  it('names every bad variable and what is wrong with it', () => {
    let error: unknown;
    try {
      loadConfig({ CRAWL_RATE_PER_SEC: 'abc', REDIS_URL: 'http://x', WORKER_CONCURRENCY: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      { variable: 'REDIS_URL', message: 'must be a URL (redis: or rediss:) (got "http://x")' },
      { variable: 'CRAWL_RATE_PER_SEC', message: 'must be a number (got "abc")' },
      { variable: 'WORKER_CONCURRENCY', message: 'must be at least 1 (got "0")' },
    ]);
  });

  it('documents every setting in the README table and in .env.example', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile('README.md', 'utf8');
    const example = await readFile('.env.example', 'utf8');
    for (const s of Object.values(SETTINGS)) {
      expect(readme, s.env).toContain(`\`${s.env}\``);
      expect(example, s.env).toContain(s.env);
    }
  });

  describe('when the CLI starts with a bad value', () => {
    it('exits 2 with a message naming the variable', async () => {
      const r = await runCli(['migrate'], { env: { CRAWL_RATE_PER_SEC: 'abc' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('CRAWL_RATE_PER_SEC: must be a number (got "abc")');
    });
  });

  describe('when the CLI is used wrongly', () => {
    it('exits 2 for an unknown command and 0 for --help', async () => {
      const bad = await runCli(['no-such-command']);
      expect(bad.code).toBe(2);
      const help = await runCli(['migrate', '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: senate-questions migrate');
    });
  });
});
