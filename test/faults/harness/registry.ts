/**
 * Every process and temporary directory the fault suite starts is recorded here, so that
 * nothing outlives the suite whatever happens to a test: each test file closes what it
 * started (afterAll), this process kills what is left when it exits, and the global
 * teardown (global-setup.ts) sweeps the records of a test process that was itself killed.
 * Processes are ended by their own pid only.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const STATE_DIR_ENV = 'SQ_FAULTS_STATE_DIR';

interface Record {
  kind: string;
  pid: number | null;
  /** Directories to remove once the process is gone. */
  paths: string[];
}

export function stateDir(): string {
  const dir = process.env[STATE_DIR_ENV] ?? path.join(tmpdir(), `sq-faults-state-${process.ppid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const live = new Map<string, Record>();
let seq = 0;

/** Records a process and/or directories; returns the function that forgets them (call it once they are gone). */
export function track(kind: string, pid: number | null, paths: string[] = []): () => void {
  const file = path.join(stateDir(), `${process.pid}-${++seq}-${kind}.json`);
  const record: Record = { kind, pid, paths };
  writeFileSync(file, JSON.stringify(record));
  live.set(file, record);
  return () => {
    live.delete(file);
    try {
      unlinkSync(file);
    } catch {
      // already swept
    }
  };
}

function kill(pid: number | null): void {
  if (pid === null) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function removePaths(paths: string[]): void {
  for (const p of paths) rmSync(p, { recursive: true, force: true });
}

// Last resort inside this process (a timed-out test, an uncaught error): synchronous only.
process.on('exit', () => {
  for (const [file, r] of live) {
    kill(r.pid);
    try {
      removePaths(r.paths);
      unlinkSync(file);
    } catch {
      // best effort at exit
    }
  }
});

/** Kills every recorded process and removes every recorded directory (the global teardown). */
export function sweep(dir: string): { killed: number; removed: number } {
  let killed = 0;
  let removed = 0;
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return { killed, removed };
  }
  for (const f of files) {
    const file = path.join(dir, f);
    try {
      const r = JSON.parse(readFileSync(file, 'utf8')) as Record;
      if (r.pid !== null) {
        try {
          process.kill(r.pid, 0);
          kill(r.pid);
          killed++;
        } catch {
          // gone
        }
      }
      removePaths(r.paths);
      removed += r.paths.length;
    } finally {
      rmSync(file, { force: true });
    }
  }
  return { killed, removed };
}
