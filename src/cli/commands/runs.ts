/** `senate-questions runs`: the most recent runs with their counts and outcome. */
import { getRun } from '../../store/runs.ts';
import { withApp } from '../context.ts';
import type { Io } from '../io.ts';
import { summaryLine } from '../progress.ts';

export async function runs(opts: { limit?: number; json?: boolean }, io: Io): Promise<void> {
  await withApp(io, async ({ db }) => {
    const { rows } = await db.query<{ id: number }>('SELECT id FROM crawl_runs ORDER BY id DESC LIMIT $1', [opts.limit ?? 10]);
    const runs = [];
    for (const r of rows) runs.push((await getRun(db, r.id))!);
    io.stdout.write(opts.json ? `${JSON.stringify(runs, null, 2)}\n` : runs.map((r) => `${summaryLine(r)}\n`).join(''));
  });
}
