/**
 * Following a run until it ends: a progress bar on a terminal, plain lines otherwise, and
 * the run's summary at the end.
 */
import type { Db } from '../store/db.ts';
import { getRun, type CrawlRun } from '../store/runs.ts';
import type { Output } from './io.ts';

export function summaryLine(run: CrawlRun): string {
  const secs = ((run.durationMs ?? Date.now() - run.startedAt.getTime()) / 1000).toFixed(1);
  return (
    `run ${run.id} ${run.status}: ${run.questionsNew} new, ${run.questionsChanged} changed, ` +
    `${run.questionsUnchanged} unchanged, ${run.questionsFailed} failed; ${run.requests} requests ` +
    `(${run.notModified} not modified, ${formatBytes(run.bytes)}), ${run.jobsDone}/${run.jobsTotal} jobs in ${secs}s` +
    (run.error ? `; error: ${run.error}` : '') +
    (run.health === 'unhealthy' ? `; UNHEALTHY: ${run.healthReasons.map((r) => r.message).join('; ')}` : '')
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function bar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

export interface WatchOptions {
  /** Default: stderr. */
  out?: Output;
  intervalMs?: number;
  /** plain line every this many ms when not on a terminal */
  plainEveryMs?: number;
  signal?: AbortSignal;
}

/** Polls the run until it has finished; returns it. */
export async function watchRun(db: Db, runId: number, opts: WatchOptions = {}): Promise<CrawlRun> {
  const out = opts.out ?? process.stderr;
  const tty = Boolean(out.isTTY);
  const interval = opts.intervalMs ?? 500;
  let lastPlain = 0;
  for (;;) {
    const run = await getRun(db, runId);
    if (!run) throw new Error(`run ${runId} does not exist`);
    const line = `${bar(run.jobsDone, run.jobsTotal)} jobs, ${run.questionsNew} new, ${run.questionsChanged} changed, ${run.questionsFailed} failed, ${run.requests} requests`;
    if (tty) out.write(`\r${line}\u001b[K`);
    else if (Date.now() - lastPlain >= (opts.plainEveryMs ?? 5_000) || run.finishedAt) {
      out.write(`run ${runId}: ${line}\n`);
      lastPlain = Date.now();
    }
    if (run.finishedAt) {
      if (tty) out.write('\n');
      return run;
    }
    if (opts.signal?.aborted) throw opts.signal.reason;
    await new Promise((r) => setTimeout(r, interval));
  }
}
