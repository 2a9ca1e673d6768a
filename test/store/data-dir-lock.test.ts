import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirBusyError, LOCK_FILE, lockDataDir, type DataDirLock, type LockOwner } from '../../src/store/data-dir-lock.ts';

/** A pid that no process has any more: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function record(owner: Partial<LockOwner>): string {
  return `${JSON.stringify({ pid: 1, host: hostname(), command: 'senate-questions crawl -l 8', since: new Date().toISOString(), token: 'old', ...owner })}\n`;
}

/** A logger whose warnings the test reads. */
function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (s: string) => void lines.push(s) });
  return { logger, messages: () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
}

/** A lock-holder process (test/store/lock-holder.ts): resolves with its first line once it has answered. */
function holder(dir: string, waitMs = 0) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/store/lock-holder.ts'), dir, String(waitMs)], { stdio: ['pipe', 'pipe', 'ignore'] });
  const first = new Promise<{ locked: boolean; pid?: number; message?: string }>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (l) => resolve(JSON.parse(l) as { locked: boolean }));
    child.once('exit', (code) => reject(new Error(`lock holder exited ${code} before answering`)));
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, first, exited, release: () => child.stdin.end() };
}

describe('the lock of a data directory', () => {
  let dir: string;
  let lockFile: string;
  const held: DataDirLock[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sq-lock-'));
    lockFile = path.join(dir, LOCK_FILE);
  });
  afterEach(async () => {
    for (const l of held.splice(0)) await l.release();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when it is free', () => {
    it('records who holds it: pid, host, command line and since when', async () => {
      held.push(await lockDataDir(dir));
      const owner = JSON.parse(readFileSync(lockFile, 'utf8')) as LockOwner;
      expect(owner).toMatchObject({ pid: process.pid, host: hostname(), command: expect.any(String) as string });
      expect(Date.now() - Date.parse(owner.since)).toBeLessThan(60_000);
    });

    it('is gone after release, and release twice is harmless', async () => {
      const lock = await lockDataDir(dir);
      await lock.release();
      await lock.release();
      expect(existsSync(lockFile)).toBe(false);
    });
  });

  describe('when this process holds it already', () => {
    it('refuses a second lock in the same process', async () => {
      held.push(await lockDataDir(dir));
      await expect(lockDataDir(dir)).rejects.toThrow(`the embedded database in ${dir} is already open in this process; close it first`);
    });

    it('lets exactly one of several simultaneous callers have it', async () => {
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => lockDataDir(dir)));
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      held.push(...won);
      expect(won).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual(
        Array.from({ length: 4 }, () => expect.any(DataDirBusyError) as unknown),
      );
    });
  });

  describe('when another process on this host holds it', () => {
    it('refuses at once, naming the pid, the command and since when', async () => {
      writeFileSync(lockFile, record({ pid: process.ppid, since: new Date(2024, 4, 1, 21, 3, 12).toISOString() }));
      const err = (await lockDataDir(dir).catch((e: unknown) => e)) as DataDirBusyError;
      expect(err).toBeInstanceOf(DataDirBusyError);
      expect(err.message).toBe(`the embedded database in ${dir} is in use by pid ${process.ppid} (senate-questions crawl -l 8, since 2024-05-01 21:03:12); wait for it to finish or stop it`);
      expect(readFileSync(lockFile, 'utf8')).toContain('"token":"old"');
    });

    it('waits for it when asked, and gets it when the holder lets go', async () => {
      const h = holder(dir);
      expect((await h.first).locked).toBe(true);
      setTimeout(() => h.release(), 700);
      const lock = await lockDataDir(dir, { waitMs: 20_000 });
      held.push(lock);
      expect(await h.exited).toBe(0);
      expect((JSON.parse(readFileSync(lockFile, 'utf8')) as LockOwner).pid).toBe(process.pid);
    });

    it('gives up after the wait with the same message', async () => {
      const h = holder(dir);
      const { pid } = await h.first;
      const started = Date.now();
      await expect(lockDataDir(dir, { waitMs: 600 })).rejects.toThrow(new RegExp(`is in use by pid ${pid} \\(lock-holder .+, since \\d\\d:\\d\\d:\\d\\d\\); wait for it to finish or stop it$`));
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      h.release();
      await h.exited;
    });
  });

  describe('when its holder died without letting go (SIGKILL)', () => {
    it('takes it over with a warning naming the dead holder', async () => {
      const h = holder(dir);
      const { pid } = await h.first;
      h.child.kill('SIGKILL');
      await h.exited;
      expect(existsSync(lockFile)).toBe(true);
      const { logger, messages } = capturingLogger();
      held.push(await lockDataDir(dir, { logger }));
      expect((JSON.parse(readFileSync(lockFile, 'utf8')) as LockOwner).pid).toBe(process.pid);
      expect(messages()).toEqual([expect.stringMatching(new RegExp(`^took over the lock of the embedded database in .+: pid ${pid} \\(lock-holder .+\\) is no longer running$`))]);
    });

    it('lets exactly one of several processes arriving at once take it over', async () => {
      writeFileSync(lockFile, record({ pid: deadPid() }));
      const holders = Array.from({ length: 4 }, () => holder(dir));
      const answers = await Promise.all(holders.map((h) => h.first));
      for (const h of holders) h.release();
      await Promise.all(holders.map((h) => h.exited));
      expect(answers.filter((a) => a.locked)).toHaveLength(1);
      expect(answers.filter((a) => !a.locked).map((a) => a.message)).toEqual(
        Array.from({ length: 3 }, () => expect.stringMatching(/is in use by pid \d+ \(lock-holder/) as unknown),
      );
    });

    it('treats a record with its own pid that it does not hold as stale (a restarted container)', async () => {
      writeFileSync(lockFile, record({ pid: process.pid, token: 'earlier-life' }));
      held.push(await lockDataDir(dir));
      expect((JSON.parse(readFileSync(lockFile, 'utf8')) as LockOwner).token).not.toBe('earlier-life');
    });
  });

  describe('when the holder is on another host (a shared volume)', () => {
    it('respects it while its heartbeat is fresh', async () => {
      writeFileSync(lockFile, record({ pid: 4242, host: 'elsewhere' }));
      await expect(lockDataDir(dir, { staleMs: 5_000 })).rejects.toThrow(/is in use by pid 4242 on host elsewhere \(senate-questions crawl -l 8/);
    });

    it('takes it over once the heartbeat is older than staleMs', async () => {
      writeFileSync(lockFile, record({ pid: 4242, host: 'elsewhere' }));
      const old = new Date(Date.now() - 120_000);
      utimesSync(lockFile, old, old);
      const { logger, messages } = capturingLogger();
      held.push(await lockDataDir(dir, { staleMs: 60_000, logger }));
      expect(messages()).toEqual([expect.stringMatching(/pid 4242 on host elsewhere .* has not touched the lock for 1\d\d s$/)]);
    });

    it('keeps its own heartbeat fresh while held', async () => {
      const lock = await lockDataDir(dir, { heartbeatMs: 100 });
      held.push(lock);
      const old = new Date(Date.now() - 120_000);
      utimesSync(lockFile, old, old);
      await new Promise((r) => setTimeout(r, 400));
      expect(Date.now() - (await import('node:fs')).statSync(lockFile).mtimeMs).toBeLessThan(5_000);
    });
  });

  describe('when the lock file is removed while held', () => {
    it('reports the lock as lost', async () => {
      let lost: Error | null = null;
      held.push(await lockDataDir(dir, { heartbeatMs: 100, onLost: (e) => (lost = e) }));
      unlinkSync(lockFile);
      await new Promise((r) => setTimeout(r, 500));
      expect(lost).toMatchObject({ name: 'DataDirLockLostError', message: expect.stringMatching(/was taken away while this process held it/) as string });
    });
  });
});
