/**
 * `senate-questions lateness [-l N]`: per addressee (FR and NL titles and their small variants
 * counted as one): asked, answered, median days to answer, the share answered by the deadline,
 * the oldest unanswered question.
 */
import { describeAddresseeKey } from '../../senate/addressee.ts';
import { latenessByAddressee, type AddresseeLateness } from '../../store/monitoring.ts';
import { withApp } from '../context.ts';
import type { Io } from '../io.ts';
import { outputFormat, renderRows, type Column } from '../table.ts';

const COLUMNS: readonly Column<AddresseeLateness>[] = [
  { header: 'addressee', value: (r) => describeAddresseeKey(r.addresseeKey), max: 40 },
  { header: 'key', value: (r) => r.addresseeKey, max: 40 },
  { header: 'asked', value: (r) => r.asked, align: 'right' },
  { header: 'answered', value: (r) => r.answered, align: 'right' },
  { header: 'pending', value: (r) => r.pending, align: 'right' },
  { header: 'median days', value: (r) => (r.medianDaysToAnswer === null ? null : Math.round(r.medianDaysToAnswer * 10) / 10), align: 'right' },
  { header: 'by deadline', value: (r) => (r.shareByDeadline === null ? null : `${Math.round(r.shareByDeadline * 100)}%`), align: 'right' },
  { header: 'oldest unanswered', value: (r) => (r.oldestUnanswered ? `${r.oldestUnanswered.id} (${r.oldestUnanswered.daysWaiting ?? '?'}d)` : null) },
  { header: 'title (fr)', value: (r) => r.names.fr, max: 50 },
];

/** CSV keeps the share as a fraction and the oldest question's fields apart. */
const CSV_COLUMNS: readonly Column<AddresseeLateness>[] = [
  { header: 'addressee_key', value: (r) => r.addresseeKey },
  { header: 'addressee', value: (r) => describeAddresseeKey(r.addresseeKey) },
  { header: 'title_fr', value: (r) => r.names.fr },
  { header: 'title_nl', value: (r) => r.names.nl },
  { header: 'asked', value: (r) => r.asked },
  { header: 'answered', value: (r) => r.answered },
  { header: 'pending', value: (r) => r.pending },
  { header: 'median_days_to_answer', value: (r) => r.medianDaysToAnswer },
  { header: 'due', value: (r) => r.due },
  { header: 'answered_by_deadline', value: (r) => r.answeredByDeadline },
  { header: 'share_by_deadline', value: (r) => r.shareByDeadline },
  { header: 'oldest_unanswered_id', value: (r) => r.oldestUnanswered?.id },
  { header: 'oldest_unanswered_sent', value: (r) => r.oldestUnanswered?.sentDate },
  { header: 'oldest_unanswered_days', value: (r) => r.oldestUnanswered?.daysWaiting },
];

export async function lateness(opts: { legislature?: number; json?: boolean; csv?: boolean }, io: Io): Promise<void> {
  const format = outputFormat(opts);
  await withApp(io, async ({ db, config }) => {
    const rows = await latenessByAddressee(db, { legislature: opts.legislature }, { deadlineEstimateDays: config.deadlineEstimateDays });
    io.stdout.write(renderRows(format, rows, format === 'csv' ? CSV_COLUMNS : COLUMNS, { json: (r) => r, empty: 'no questions stored' }));
  });
}
