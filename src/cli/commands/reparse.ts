import type { Command } from 'commander';
import { reparse } from '../../../jobs/reparse.ts';
import { PARSER_VERSION } from '../../senate/question-page.ts';
import { UsageError } from '../../util/errors.ts';
import { withApp } from '../context.ts';

function show(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

export function register(program: Command): void {
  program
    .command('reparse')
    .description('Parse the archived pages again with the current parser (no network) and store what changes')
    .option('-l, --legislature <n>', 'only this legislature', (v) => {
      if (!/^\d{1,2}$/.test(v)) throw new UsageError(`--legislature takes a number such as 8, not ${JSON.stringify(v)}`);
      return Number(v);
    })
    .option('--dry-run', 'report what would change, store nothing')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { legislature?: number; dryRun?: boolean; json?: boolean }) => {
      await withApp(async ({ db, logger }) => {
        const report = await reparse({ db, logger }, { dryRun: Boolean(opts.dryRun), ...(opts.legislature ? { legislature: opts.legislature } : {}) });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ parserVersion: PARSER_VERSION, dryRun: Boolean(opts.dryRun), ...report }, null, 2)}\n`);
          return;
        }
        const out: string[] = [];
        for (const c of report.changed) {
          out.push(`${c.id}:`);
          for (const ch of c.changes) out.push(`  ${ch.lang ?? '--'} ${ch.field}: ${show(ch.old)} -> ${show(ch.new)}`);
        }
        for (const r of report.refused) out.push(`${r.id} ${r.lang}: refused by parser ${PARSER_VERSION}: ${r.reason}`);
        const verb = opts.dryRun ? 'would change' : 'changed';
        out.push(`${report.questions} questions reparsed with parser ${PARSER_VERSION}: ${report.changed.length} ${verb}, ${report.unchanged} unchanged, ${report.refused.length} pages refused`);
        process.stdout.write(`${out.join('\n')}\n`);
      });
    });
}
