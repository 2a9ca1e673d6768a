/**
 * The embedded database belongs to one process, end to end through the CLI: a second process
 * is refused with the holder's pid and command, a read-only command waits a little for it,
 * and a crawl killed with SIGKILL leaves a stale lock that the next process takes over.
 */
import { tracked } from '../helpers/children.ts';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, type LockOwner } from '../../src/store/data-dir-lock.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';

const CLI = path.resolve('bin/senate-questions.js');

interface Cli {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** The CLI as a user runs it (the one place to change if the bin changes). */
function cli(args: string[], env: NodeJS.ProcessEnv): Cli {
  const child = tracked(execFile('node', [CLI, ...args], { env }), 'cli');
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr }))) };
}

async function until(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const TIME = '\\d\\d:\\d\\d:\\d\\d';

describe('the embedded database in a data directory', () => {
  let fake: FakeSenate;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const questionPages = () => fake.requests().filter((r) => r.url.includes('SchriftelijkeVraag')).length;

  beforeEach(async () => {
    fake = await startFakeSenate({ questions: { n: 40, legislature: 8, seed: 3 }, latencyMs: 50 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'sq-lock-'));
    env = { ...process.env, SENATE_BASE_URL: fake.url, DATA_DIR: dataDir, CRAWL_RATE_PER_SEC: '2', LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
  });
  afterEach(async () => {
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('when a second crawl starts while one runs', () => {
    it('refuses it after a short wait, naming the pid, the command and since when (exit 1), and the first goes on', async () => {
      const first = cli(['crawl', '--legislature', '8'], env);
      await until('the first crawl to fetch questions', () => questionPages() >= 2);
      const second = await cli(['crawl', '--legislature', '8'], env).exited;
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(`^error: the embedded database in ${dataDir} is in use by pid ${first.child.pid} \\(senate-questions crawl --legislature 8, since ${TIME}\\); wait for it to finish or stop it\\n$`),
      );
      expect(first.child.exitCode).toBeNull();
      // The first is stopped the usual way (SIGINT): it closes the database and lets go of the lock.
      first.child.kill('SIGINT');
      const done = await first.exited;
      expect(done.code).toBe(1);
      expect(done.stderr).toMatch(/SIGINT: stopping run 1/);
      expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
      const runs = await cli(['runs'], env).exited;
      expect(runs).toMatchObject({ code: 0, stdout: expect.stringMatching(/^run 1 cancelled: .*error: interrupted by a signal\n$/) as string });
    });
  });

  describe('when a read-only command finds it in use', () => {
    it('waits for the holder to let go, then runs', async () => {
      const holder = tracked(spawn(process.execPath, ['--import', 'tsx', path.resolve('test/store/lock-holder.ts'), dataDir], { stdio: ['pipe', 'pipe', 'ignore'] }), 'lock-holder');
      const answer = await new Promise<{ locked: boolean }>((resolve) => createInterface({ input: holder.stdout! }).once('line', (l) => resolve(JSON.parse(l) as { locked: boolean })));
      expect(answer.locked).toBe(true);
      const runs = cli(['runs'], env);
      const holderExited = new Promise((r) => holder.once('exit', r));
      setTimeout(() => holder.stdin!.end(), 2_000);
      const result = await runs.exited;
      await holderExited;
      expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    });
  });

  describe('when the crawl holding it is killed with SIGKILL', () => {
    it('leaves a stale lock that the next crawl takes over with a warning, and the killed run is marked cancelled', async () => {
      const first = cli(['crawl', '--legislature', '8'], env);
      await until('the first crawl to fetch questions', () => questionPages() >= 2);
      first.child.kill('SIGKILL');
      await first.exited;
      const stale = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as LockOwner;
      expect(stale.pid).toBe(first.child.pid);
      const next = await cli(['crawl', '--legislature', '8'], { ...env, CRAWL_RATE_PER_SEC: '50' }).exited;
      expect(next.code).toBe(0);
      expect(next.stderr).toContain(`took over the lock of the embedded database in ${dataDir}: pid ${first.child.pid} (senate-questions crawl --legislature 8, since`);
      expect(next.stderr).toContain('is no longer running');
      expect(next.stdout).toMatch(/^run \d+ succeeded: /);
      const runs = await cli(['runs', '--json'], env).exited;
      const list = JSON.parse(runs.stdout) as { id: number; status: string; error: string | null }[];
      expect(list.map((r) => r.status)).toEqual(['succeeded', 'cancelled']);
      expect(list[1]).toMatchObject({ id: 1, error: 'its process ended without closing the run' });
    });
  });
});
