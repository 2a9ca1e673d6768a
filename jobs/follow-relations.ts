/** Relations point at questions we may not have yet: queue them in the same run. */
import type { Relation } from '../src/senate/question-record.ts';
import type { JobContext } from './types.ts';

export async function followRelations(ctx: JobContext, runId: number, relations: readonly Relation[]): Promise<void> {
  const targets = [...new Set(relations.filter((r) => r.targetType === 'written_question' && r.target).map((r) => r.target!))];
  if (targets.length === 0) return;
  const { rows } = await ctx.db.query<{ id: string }>('SELECT id FROM questions WHERE id = ANY($1::text[])', [targets]);
  const known = new Set(rows.map((r) => r.id));
  const unknown = targets.filter((t) => !known.has(t));
  if (unknown.length > 0) await ctx.enqueue(unknown.map((id) => ({ kind: 'fetch-question' as const, data: { runId, id } })));
}
