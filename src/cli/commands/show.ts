import type { Command } from 'commander';
import { parseQuestionId } from '../../senate/urls.ts';
import { getQuestion } from '../../store/questions.ts';
import { UsageError, WorkFailedError } from '../../util/errors.ts';
import { withApp } from '../context.ts';

export function register(program: Command): void {
  program
    .command('show')
    .description('Print one stored question (both languages) as JSON')
    .argument('<id>', 'question id, e.g. 8-123')
    .action(async (id: string) => {
      if (!parseQuestionId(id)) throw new UsageError(`not a question id: ${JSON.stringify(id)} (expected legislature-number, e.g. 8-123)`);
      await withApp(async ({ db }) => {
        const q = await getQuestion(db, id);
        if (!q) throw new WorkFailedError(`question ${id} is not stored (crawl it first)`);
        process.stdout.write(`${JSON.stringify(q, null, 2)}\n`);
      });
    });
}
