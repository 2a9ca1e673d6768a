/** `senate-questions reparse`: parse the archived pages again with the current parser. */
import { reparse } from '../../../jobs/reparse.ts';
import { PARSER_VERSION } from '../../senate/question-page.ts';
import { withApp } from '../context.ts';
import type { Io } from '../io.ts';

function show(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

export async function reparseCommand(opts: { legislature?: number; dryRun?: boolean; json?: boolean }, io: Io): Promise<void> {
  await withApp(io, async ({ db, logger }) => {
    const report = await reparse({ db, logger }, { dryRun: Boolean(opts.dryRun), ...(opts.legislature ? { legislature: opts.legislature } : {}) });
    if (opts.json) {
      io.stdout.write(`${JSON.stringify({ parserVersion: PARSER_VERSION, dryRun: Boolean(opts.dryRun), ...report }, null, 2)}\n`);
      return;
    }
    const out: string[] = [];
    for (const c of report.changed) {
      out.push(`${c.id}:`);
      for (const ch of c.changes) out.push(`  ${ch.lang ?? '--'} ${ch.field}: ${show(ch.old)} -> ${show(ch.new)}`);
    }
    for (const r of report.refused) out.push(`${r.id} ${r.lang}: refused by parser ${PARSER_VERSION}: ${r.reason}`);
    for (const h of report.heldBack) out.push(`${h.id} ${h.lang}: held back, worse than the stored text: ${h.reasons.join('; ')}`);
    const verb = opts.dryRun ? 'would change' : 'changed';
    out.push(`${report.questions} questions reparsed with parser ${PARSER_VERSION}: ${report.changed.length} ${verb}, ${report.unchanged} unchanged, ${report.refused.length} pages refused`);
    io.stdout.write(`${out.join('\n')}\n`);
  }, { refuseIfBusy: !opts.dryRun });
}
