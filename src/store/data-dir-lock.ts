/**
 * The embedded database (PGlite) belongs to one process: two processes on one data directory
 * corrupt it. Before opening it, a process takes `DATA_DIR/pglite.lock`, a file that says who
 * holds it (pid, host, command line, since when). The second process is refused with that
 * description, or waits a little for it (read-only commands).
 *
 * - Taking it is atomic: the owner record is written to a private file, then hard-linked to
 *   the lock's name (link() never replaces an existing file), so the lock never exists without
 *   its owner record.
 * - A stale lock is taken over with a warning: on this host, when its pid is gone (a process
 *   killed with SIGKILL); from another host (a shared volume), when its heartbeat (the file's
 *   mtime, touched every `heartbeatMs`) is older than `staleMs`. A live process on this host is
 *   never judged by its heartbeat, since PGlite can block the event loop for a long statement.
 * - The takeover moves the stale file aside first and checks it moved the record it judged,
 *   so two newcomers cannot both break in.
 * - Released by `release()` (the database's close()), and by an `exit` hook when the process
 *   exits without closing; a process that dies by a signal leaves a stale lock for the next.
 *
 * Why not proper-lockfile: it locks with a directory whose mtime it watches and removes it
 * with rmdir, so the owner record cannot live inside the lock, and a record beside it can
 * describe the previous holder while a new one is being written (a newcomer would then break
 * a live lock). There is no portable OS-level lock in Node without a native addon.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from '../util/logger.ts';
import { commandLine, isProcessAlive, shortTime } from '../util/process.ts';

export const LOCK_FILE = 'pglite.lock';

/** Who holds a data directory. */
export interface LockOwner {
  pid: number;
  host: string;
  /** e.g. `senate-questions crawl -l 8` */
  command: string;
  /** when the lock was taken (ISO 8601) */
  since: string;
  /** tells this holding apart from an earlier one of the same pid */
  token: string;
}

/** Another process holds the data directory (the CLI exits 1 with this message). */
export class DataDirBusyError extends Error {
  override readonly name = 'DataDirBusyError';
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner | null,
    readonly lockFile: string,
  ) {
    super(busyMessage(dataDir, owner, lockFile));
  }
}

/** Our lock was taken away or removed while we held it: stop using the database. */
export class DataDirLockLostError extends Error {
  override readonly name = 'DataDirLockLostError';
}

export interface DataDirLockOptions {
  /** How long to wait for the holder to let go before giving up, ms. Default 0: refuse at once. */
  waitMs?: number;
  /** Age of the heartbeat after which a lock held from another host is taken over, ms. Default 60 000. */
  staleMs?: number;
  /** How often the holder touches the lock file, ms. Default 10 000. */
  heartbeatMs?: number;
  logger?: Logger;
  /** Called once if the lock is lost while held (removed by hand, or taken over from another host). */
  onLost?: (err: DataDirLockLostError) => void;
}

export interface DataDirLock {
  readonly file: string;
  readonly owner: LockOwner;
  /** Idempotent. */
  release(): Promise<void>;
}

/** Lock files held by this process: a second open in the same process is refused, never taken over. */
const held = new Map<string, LockOwner>();
/** Tokens of this process's locks, held or being taken: a record with one of them is never stale. */
const ownTokens = new Set<string>();

const POLL_MS = 200;

export async function lockDataDir(dataDir: string, opts: DataDirLockOptions = {}): Promise<DataDirLock> {
  const dir = path.resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const staleMs = opts.staleMs ?? 60_000;
  const me: LockOwner = { pid: process.pid, host: hostname(), command: commandLine(), since: new Date().toISOString(), token: randomUUID() };
  const deadline = Date.now() + (opts.waitMs ?? 0);
  ownTokens.add(me.token);
  try {
    for (;;) {
      const mine = held.get(file);
      if (mine) throw new DataDirBusyError(dataDir, mine, file);
      me.since = new Date().toISOString();
      if (await tryCreate(file, me)) break;
      const found = await readLock(file);
      if (!found) continue; // released meanwhile: try again at once
      const staleBecause = whyStale(found, staleMs);
      if (staleBecause) {
        if (await takeOver(file, found)) {
          opts.logger?.warn({ lockFile: file, previous: found.owner }, `took over the lock of the embedded database in ${dataDir}: ${describe(found.owner)} ${staleBecause}`);
        }
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new DataDirBusyError(dataDir, found.owner, file);
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, left)));
    }
  } catch (e) {
    ownTokens.delete(me.token);
    throw e;
  }
  held.set(file, me);

  let released: Promise<void> | null = null;
  const onExit = () => {
    try {
      if (readFileSync(file, 'utf8').includes(me.token)) unlinkSync(file);
    } catch {
      // gone already
    }
  };
  process.on('exit', onExit);
  const stop = () => {
    clearInterval(timer);
    process.off('exit', onExit);
    if (held.get(file) === me) held.delete(file);
    ownTokens.delete(me.token);
  };
  const timer = setInterval(() => {
    void heartbeat(file, me).then(
      (ok) => {
        if (ok || released) return;
        stop();
        const err = new DataDirLockLostError(`the lock of the embedded database in ${dataDir} (${file}) was taken away while this process held it`);
        opts.logger?.error({ lockFile: file }, err.message);
        opts.onLost?.(err);
      },
      (err: unknown) => opts.logger?.warn({ err, lockFile: file }, 'could not touch the lock file'),
    );
  }, opts.heartbeatMs ?? 10_000);
  timer.unref();

  return {
    file,
    owner: me,
    release() {
      released ??= (async () => {
        stop();
        const found = await readLock(file);
        if (found?.owner?.token === me.token) await unlink(file).catch(ignoreMissing);
      })();
      return released;
    },
  };
}

interface FoundLock {
  /** null when the file cannot be parsed (written by hand, or truncated) */
  owner: LockOwner | null;
  raw: string;
  mtimeMs: number;
}

async function tryCreate(file: string, owner: LockOwner): Promise<boolean> {
  const body = `${JSON.stringify(owner)}\n`;
  const tmp = `${file}.${owner.token}.tmp`;
  await writeFile(tmp, body);
  try {
    await link(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
    // A file system without hard links: exclusive create (the record appears a moment later).
    try {
      await writeFile(file, body, { flag: 'wx' });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    await unlink(tmp).catch(ignoreMissing);
  }
}

async function readLock(file: string): Promise<FoundLock | null> {
  try {
    const [raw, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { owner: parseOwner(raw), raw, mtimeMs: st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function parseOwner(raw: string): LockOwner | null {
  try {
    const o = JSON.parse(raw) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string') {
      return { pid: o.pid, host: o.host, token: o.token, command: String(o.command ?? '?'), since: String(o.since ?? '') };
    }
  } catch {
    // not ours
  }
  return null;
}

/** Why a lock may be taken over, or null while its holder may be alive. */
function whyStale(found: FoundLock, staleMs: number): string | null {
  const o = found.owner;
  const age = Date.now() - found.mtimeMs;
  if (o && o.host === hostname()) {
    // Our own pid in a record we do not hold: left by an earlier life of this pid (a restarted container).
    if (o.pid === process.pid) return ownTokens.has(o.token) ? null : 'was this pid in an earlier process';
    return isProcessAlive(o.pid) ? null : 'is no longer running';
  }
  if (age > staleMs) return `has not touched the lock for ${Math.round(age / 1000)} s`;
  return null;
}

/** Moves the stale file aside; true when what was moved is the lock judged stale (then it is deleted). */
async function takeOver(file: string, judged: FoundLock): Promise<boolean> {
  const aside = `${file}.stale-${randomUUID()}`;
  try {
    await rename(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  const moved = await readFile(aside, 'utf8').catch(() => null);
  if (moved === judged.raw) {
    await unlink(aside).catch(ignoreMissing);
    return true;
  }
  // Someone else took it over first and we moved their fresh lock: put it back (link never replaces).
  await link(aside, file).catch(() => undefined);
  await unlink(aside).catch(ignoreMissing);
  return false;
}

/** Touches the lock file if it is still ours; false when it is not. */
async function heartbeat(file: string, me: LockOwner): Promise<boolean> {
  const found = await readLock(file);
  if (found?.owner?.token !== me.token) return false;
  const now = new Date();
  await utimes(file, now, now);
  return true;
}

function ignoreMissing(e: unknown): void {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
}

function describe(o: LockOwner | null): string {
  if (!o) return 'an unknown process';
  const where = o.host === hostname() ? '' : ` on host ${o.host}`;
  const since = Number.isNaN(Date.parse(o.since)) ? '' : `, since ${shortTime(new Date(o.since))}`;
  return `pid ${o.pid}${where} (${o.command}${since})`;
}

function busyMessage(dataDir: string, owner: LockOwner | null, lockFile: string): string {
  if (owner && owner.pid === process.pid && owner.host === hostname() && ownTokens.has(owner.token)) {
    return `the embedded database in ${dataDir} is already open in this process; close it first`;
  }
  if (!owner) return `the embedded database in ${dataDir} is in use by another process (its lock ${lockFile} names no owner); wait for it to finish or stop it`;
  return `the embedded database in ${dataDir} is in use by ${describe(owner)}; wait for it to finish or stop it`;
}
