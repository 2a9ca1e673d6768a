/** `senate-questions show <id>`: one stored question (both languages) as JSON. */
import { parseQuestionId } from '../../senate/urls.ts';
import { getQuestion } from '../../store/questions.ts';
import { UsageError, WorkFailedError } from '../../util/errors.ts';
import { configFor } from '../config.ts';
import { withApp } from '../context.ts';
import { demoHint, requireEmbeddedDatabase } from '../data-dir.ts';
import type { Io } from '../io.ts';

export async function show(id: string, io: Io): Promise<void> {
  if (!parseQuestionId(id)) throw new UsageError(`not a question id: ${JSON.stringify(id)} (expected legislature-number, e.g. 8-123)`);
  requireEmbeddedDatabase(configFor(io), `show ${id}`);
  await withApp(io, async ({ db, config }) => {
    const q = await getQuestion(db, id);
    if (!q) throw new WorkFailedError(`question ${id} is not stored (crawl it first)${demoHint(config, `show ${id}`)}`);
    io.stdout.write(`${JSON.stringify(q, null, 2)}\n`);
  });
}
