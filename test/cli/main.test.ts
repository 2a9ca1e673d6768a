import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

describe('senate-questions (in this process)', () => {
  describe('when asked for help', () => {
    it('prints every command on stdout and exits 0', async () => {
      const r = await runCli(['--help']);
      expect(r.code).toBe(0);
      for (const name of ['crawl', 'worker', 'runs', 'reparse', 'show', 'migrate', 'parse', 'healthcheck']) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
      expect(r.stderr).toBe('');
    });

    it("prints a command's options and exits 0", async () => {
      const r = await runCli(['crawl', '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: senate-questions crawl \[options\]/);
      expect(r.stdout).toMatch(/--all\s+every legislature from 4 to the current one/);
    });

    it('prints the version and exits 0', async () => {
      const r = await runCli(['--version']);
      expect(r).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    });
  });

  describe('on bad usage', () => {
    it.each([
      [['no-such-command'], /unknown command 'no-such-command'/],
      [['crawl', '--no-such-option'], /unknown option '--no-such-option'/],
      [['crawl', '--legislature', 'eight'], /--legislature takes a legislature number such as 8, not "eight"/],
      [['crawl', '--legislature', '0'], /--legislature takes a legislature number such as 8, not "0"/],
      [['reparse', '--legislature', 'x'], /--legislature takes a legislature number such as 8, not "x"/],
      [['runs', '--limit', '0'], /--limit takes a whole number ≥ 1, not "0"/],
      [['worker', '--concurrency', '1.5'], /--concurrency takes a whole number ≥ 1, not "1.5"/],
      [['parse', 'page.html', '--lang', 'de'], /--lang must be fr or nl \(got "de"\)/],
      [['show'], /missing required argument 'id'/],
      [['show', 'x-1'], /not a question id: "x-1"/],
      [['crawl', '--legislature', '9'], /legislature 9 does not exist yet \(CURRENT_LEGISLATURE is 8\)/],
      [['crawl', '--all', '--legislature', '7'], /either --all or --legislature/],
      [['worker'], /the worker needs REDIS_URL/],
    ])('exits 2 and says what is wrong: %j', async (args, message) => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  });

  describe('when a setting is bad', () => {
    it('exits 2 with a message naming the variable, before touching any database', async () => {
      const r = await runCli(['migrate'], { env: { CRAWL_RATE_PER_SEC: 'abc', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^Configuration error:\nCRAWL_RATE_PER_SEC: must be a number/);
    });
  });
});
