/** `senate-questions runs`: the most recent runs with their counts and outcome. */
import { cancelRun } from '../../store/run-recovery.ts';
import { listRuns } from '../../store/runs.ts';
import { UsageError } from '../../util/errors.ts';
import { withApp } from '../context.ts';
import type { Io } from '../io.ts';
import { fleetCircuitLine } from '../circuit.ts';
import { configFor } from '../config.ts';
import { demoHint, requireEmbeddedDatabase } from '../data-dir.ts';
import { summaryLine } from '../progress.ts';

export async function runs(opts: { limit?: number; json?: boolean }, io: Io): Promise<void> {
  requireEmbeddedDatabase(configFor(io), 'runs');
  await withApp(io, async ({ db, config }) => {
    const runs = await listRuns(db, opts.limit ?? 10);
    const hint = runs.length === 0 && !opts.json ? demoHint(config, 'runs') : '';
    if (hint) io.stderr.write(`no runs yet in DATA_DIR=${config.dataDir}${hint}\n`);
    io.stdout.write(opts.json ? `${JSON.stringify(runs, null, 2)}\n` : runs.map((r) => `${summaryLine(r)}\n`).join(''));
    // While a run waits for the Senate, say why (its circuit breaker, in Redis or PostgreSQL).
    const circuit = !opts.json && runs.some((r) => r.status === 'running') ? await fleetCircuitLine(config, db) : null;
    if (circuit) io.stdout.write(`  ${circuit}\n`);
  });
}

/**
 * `senate-questions runs cancel <id>`: ends a run that is stuck (no worker, a lost queue) as
 * cancelled. Exit 2 for a run that does not exist; a run that has ended is left as it is (exit 0, said).
 */
export async function runsCancel(id: number, opts: { reason?: string }, io: Io): Promise<void> {
  await withApp(io, async ({ db }) => {
    const reason = opts.reason?.trim() || 'cancelled by hand (senate-questions runs cancel)';
    const r = await cancelRun(db, id, reason.slice(0, 500));
    if (!r.found) throw new UsageError(`there is no run ${id} (\`senate-questions runs\` lists them)`);
    if (r.alreadyEnded) {
      io.stdout.write(`run ${id} had already ended ${r.run.status}: nothing to cancel\n`);
      return;
    }
    io.stdout.write(`run ${id} cancelled: ${r.jobsCancelled} unfinished job(s) counted cancelled; ${r.run.jobsDone}/${r.run.jobsTotal} jobs had finished\n`);
  });
}
