/**
 * Relations point at questions we may not have yet: queue them in the same run, except the
 * ones the Senate did not serve lately (misses, retried on a backoff of days, not every run).
 */
import type { Relation } from '../src/senate/question-record.ts';
import { idsBackingOff } from '../src/store/misses.ts';
import { idsNotStored } from '../src/store/questions.ts';
import type { JobContext } from './types.ts';

export async function followRelations(ctx: JobContext, runId: number, relations: readonly Relation[]): Promise<void> {
  const targets = [...new Set(relations.filter((r) => r.targetType === 'written_question' && r.target).map((r) => r.target!))];
  const unknown = await idsNotStored(ctx.db, targets);
  if (unknown.length === 0) return;
  const waiting = await idsBackingOff(ctx.db, unknown);
  const due = unknown.filter((id) => !waiting.has(id));
  if (due.length > 0) await ctx.enqueue(due.map((id) => ({ kind: 'fetch-question' as const, data: { runId, id } })));
}
