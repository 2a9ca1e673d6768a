/** Facts about processes on this host, for locks and for runs tied to a process. */
import path from 'node:path';

/**
 * Whether a process with this pid exists on this host. EPERM means it exists but belongs to
 * another user: alive. Only ESRCH (no such process) means dead.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This process's command as a person typed it, e.g. `senate-questions crawl -l 8`. */
export function commandLine(argv: readonly string[] = process.argv): string {
  const script = argv[1] ? path.basename(argv[1]).replace(/\.[cm]?[jt]s$/, '') : path.basename(argv[0] ?? 'node');
  return [script, ...argv.slice(2)].join(' ');
}

/** `21:03:12` for a time today, `2024-05-01 21:03:12` otherwise (local time). */
export function shortTime(at: Date, now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  if (at.toDateString() === now.toDateString()) return time;
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}
