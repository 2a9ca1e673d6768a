import type { Command } from 'commander';
import { listRuns } from '../../store/runs.ts';
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
        const runs = await listRuns(db, opts.limit ?? 10);
        process.stdout.write(opts.json ? `${JSON.stringify(runs, null, 2)}\n` : runs.map((r) => `${summaryLine(r)}\n`).join(''));
      });
    });
}
