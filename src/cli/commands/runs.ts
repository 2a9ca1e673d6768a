/** `senate-questions runs`: the most recent runs with their counts and outcome. */
import { listRuns } from '../../store/runs.ts';
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
    // While a run waits for the Senate, say why (the fleet's circuit breaker, in Redis).
    const circuit = !opts.json && runs.some((r) => r.status === 'running') ? await fleetCircuitLine(config, db) : null;
    if (circuit) io.stdout.write(`  ${circuit}\n`);
  });
}
