/**
 * A Redis and a PostgreSQL of the test's own, on free ports, in temporary directories, that
 * the test can stop and start again (never the shared services on 6379/5432). Both run as
 * direct children of the test process, so they are ended by their own pid; close() always
 * kills them and removes their directories, and registry.ts does it when a test could not.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { track } from './registry.ts';

export const PG_BIN = process.env.FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const REDIS_SERVER = process.env.FAULTS_REDIS_SERVER ?? 'redis-server';

/** A TCP port nobody listens on right now (and that nothing will answer on, for "unreachable" cases). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Daemon {
  child: ChildProcess;
  exited: Promise<void>;
  forget: () => void;
}

/** Spawns a server and waits for `ready` in its output; rejects with its log when it exits or is late. */
function startDaemon(
  name: string,
  command: string,
  args: string[],
  opts: { ready: RegExp; timeoutMs: number; uid?: number; gid?: number; log: (chunk: string) => void },
): Promise<Daemon> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}) });
  const forget = track(name, child.pid ?? null);
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(forget);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not become ready in ${opts.timeoutMs} ms:\n${out.slice(-4000)}`));
    }, opts.timeoutMs);
    const onData = (d: Buffer) => {
      const s = d.toString();
      out += s;
      opts.log(s);
      if (opts.ready.test(out)) {
        clearTimeout(timer);
        resolve({ child, exited, forget });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${out.slice(-4000)}`));
    });
  });
}

/** Sends `signal`, waits for the exit; SIGKILL after `graceMs`. */
async function stopDaemon(d: Daemon, signal: NodeJS.Signals, graceMs = 20_000): Promise<void> {
  if (d.child.exitCode !== null || d.child.signalCode !== null) return;
  d.child.kill(signal);
  const timer = setTimeout(() => d.child.kill('SIGKILL'), graceMs);
  await d.exited;
  clearTimeout(timer);
}

export interface ServiceControl {
  readonly port: number;
  readonly running: boolean;
  /** The server process while it runs. */
  readonly pid: number | null;
  /** Its temporary directory (removed by close). */
  readonly dir: string;
  /** Starts it again on the same port (and the same data directory). */
  start(): Promise<void>;
  /** Everything it logged, across restarts. */
  log(): string;
  /** Stops it for good and removes its directory. Idempotent. */
  close(): Promise<void>;
}

export interface TestRedis extends ServiceControl {
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  /** true: AOF with fsync always, so a restart keeps every acknowledged write. */
  readonly persistent: boolean;
  /** `term`: a clean SHUTDOWN (saves the AOF when persistent); `kill`: SIGKILL. */
  stop(how?: 'term' | 'kill'): Promise<void>;
  /** Stopped for `downMs`, then started again. */
  outage(downMs: number, how?: 'term' | 'kill'): Promise<void>;
}

/** A Redis server of the test's own. Without persistence a restart comes back empty. */
export async function startRedis(opts: { persistent?: boolean } = {}): Promise<TestRedis> {
  const persistent = opts.persistent ?? false;
  const dir = mkdtempSync(path.join(tmpdir(), 'sq-faults-redis-'));
  const forgetDir = track('redis-dir', null, [dir]);
  const port = await freePort();
  let log = '';
  let daemon: Daemon | null = null;
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'no', '--dir', dir, '--save', '',
    '--appendonly', persistent ? 'yes' : 'no', '--appendfsync', 'always', '--loglevel', 'notice',
  ];
  const start = async () => {
    if (daemon) return;
    daemon = await startDaemon('redis', REDIS_SERVER, args, { ready: /Ready to accept connections/, timeoutMs: 20_000, log: (s) => (log += s) });
  };
  const stop = async (how: 'term' | 'kill' = 'term') => {
    if (!daemon) return;
    const d = daemon;
    daemon = null;
    await stopDaemon(d, how === 'kill' ? 'SIGKILL' : 'SIGTERM');
  };
  let closing: Promise<void> | null = null;
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    persistent,
    dir,
    get running() {
      return daemon !== null;
    },
    get pid() {
      return daemon?.child.pid ?? null;
    },
    start,
    stop,
    async outage(downMs, how) {
      await stop(how);
      await sleep(downMs);
      await start();
    },
    log: () => log,
    close() {
      closing ??= (async () => {
        await stop('kill');
        rmSync(dir, { recursive: true, force: true });
        forgetDir();
      })();
      return closing;
    },
  };
}

export interface TestPostgres extends ServiceControl {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust auth) */
  readonly url: string;
  /**
   * `fast`: clients are disconnected with an admin-shutdown error (57P01), like a restart by
   * an operator; `immediate`: every backend quits at once, like a crash (recovery at the next start).
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stopped for `downMs`, then started again. */
  outage(downMs: number, mode?: 'fast' | 'immediate'): Promise<void>;
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A PostgreSQL cluster of the test's own: initdb into a temporary directory (as the
 * `postgres` user: the server refuses to run as root), trust auth, no fsync.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const { uid, gid } = postgresIds();
  const base = mkdtempSync(path.join(tmpdir(), 'sq-faults-pg-'));
  const forgetDir = track('pg-dir', null, [base]);
  chownSync(base, uid, gid);
  const data = path.join(base, 'data');
  execFileSync(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { uid, gid, stdio: 'pipe' });
  const port = await freePort();
  let log = '';
  let daemon: Daemon | null = null;
  const args = [
    '-D', data, '-p', String(port), '-k', base, '-c', 'listen_addresses=127.0.0.1',
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'max_connections=200', '-c', 'shared_buffers=32MB', '-c', 'logging_collector=off',
  ];
  const start = async () => {
    if (daemon) return;
    daemon = await startDaemon('postgres', path.join(PG_BIN, 'postgres'), args, {
      ready: /database system is ready to accept connections/,
      timeoutMs: 60_000,
      uid,
      gid,
      log: (s) => (log += s),
    });
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!daemon) return;
    const d = daemon;
    daemon = null;
    await stopDaemon(d, mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
  };
  let closing: Promise<void> | null = null;
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir: base,
    get running() {
      return daemon !== null;
    },
    get pid() {
      return daemon?.child.pid ?? null;
    },
    start,
    stop,
    async outage(downMs, mode) {
      await stop(mode);
      await sleep(downMs);
      await start();
    },
    log: () => log,
    close() {
      closing ??= (async () => {
        await stop('immediate');
        rmSync(base, { recursive: true, force: true });
        forgetDir();
      })();
      return closing;
    },
  };
}
