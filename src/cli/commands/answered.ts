/**
 * `senate-questions answered --since <date|24h|7d>`: the answers first seen since then, with the
 * date printed on the page and when we first saw them (and their translation).
 */
import { describeAddresseeKey } from '../../senate/addressee.ts';
import { answersSince, type AnswerArrival } from '../../store/monitoring.ts';
import { withApp } from '../context.ts';
import type { Io } from '../io.ts';
import { outputFormat, renderRows, type Column } from '../table.ts';
import { authorLabel } from './pending.ts';

/** A time to the minute, UTC: `2026-11-30 08:00Z`. */
export function minute(d: Date | null): string | null {
  return d ? `${d.toISOString().slice(0, 16).replace('T', ' ')}Z` : null;
}

const SOURCE_LABELS: Record<AnswerArrival['source'], string> = { event: 'event', change: 'change', first_seen: 'new question' };

const COLUMNS: readonly Column<AnswerArrival>[] = [
  { header: 'id', value: (a) => a.questionId },
  { header: 'first seen', value: (a) => minute(a.seenAt) },
  { header: 'lang', value: (a) => a.lang },
  { header: 'answer dated', value: (a) => a.answerDate },
  { header: 'translation seen', value: (a) => minute(a.translationSeenAt) },
  { header: 'from', value: (a) => SOURCE_LABELS[a.source] },
  { header: 'addressee', value: (a) => describeAddresseeKey(a.addresseeKey), max: 36 },
  { header: 'author', value: (a) => authorLabel(a.author, a.party), max: 30 },
  { header: 'subject', value: (a) => a.subject.fr ?? a.subject.nl, max: 50 },
];

export async function answered(opts: { since: Date; json?: boolean; csv?: boolean }, io: Io): Promise<void> {
  const format = outputFormat(opts);
  await withApp(io, async ({ db }) => {
    const rows = await answersSince(db, opts.since);
    io.stdout.write(renderRows(format, rows, COLUMNS, { json: (r) => r, empty: `no answer first seen since ${opts.since.toISOString()}` }));
  });
}
