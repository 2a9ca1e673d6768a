import type { Command } from 'commander';
import { getRun } from '../../store/runs.ts';
import { wholeNumber } from '../options.ts';
import { withApp } from '../context.ts';
import { summaryLine } from '../progress.ts';

export function register(program: Command): void {
  program
    .command('runs')
    .description('List the most recent runs with their counts and outcome')
    .option('-n, --limit <n>', 'how many (default 10)', wholeNumber('--limit'))
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
