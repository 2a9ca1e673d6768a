import type { Command } from 'commander';
import { getRun } from '../../store/runs.ts';
import { UsageError } from '../../util/errors.ts';
import { withApp } from '../context.ts';
import { summaryLine } from '../progress.ts';

export function register(program: Command): void {
  program
    .command('runs')
    .description('List the most recent runs with their counts and outcome')
    .option('-n, --limit <n>', 'how many (default 10)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit takes a whole number ≥ 1, not ${JSON.stringify(v)}`);
      return n;
    })
    .option('--json', 'print the runs as JSON')
    .action(async (opts: { limit?: number; json?: boolean }) => {
      await withApp(async ({ db }) => {
        const { rows } = await db.query<{ id: number }>('SELECT id FROM crawl_runs ORDER BY id DESC LIMIT $1', [opts.limit ?? 10]);
        const runs = [];
        for (const r of rows) runs.push((await getRun(db, r.id))!);
        process.stdout.write(opts.json ? `${JSON.stringify(runs, null, 2)}\n` : runs.map((r) => `${summaryLine(r)}\n`).join(''));
      });
    });
}
