/**
 * `senate-questions pending` and `overdue`: the unanswered questions (days waiting, deadline,
 * days overdue), and those past their deadline. A deadline the page did not print is estimated
 * (DEADLINE_ESTIMATE_DAYS) and shown with a `~`.
 */
import { describeAddresseeKey } from '../../senate/addressee.ts';
import { overdueQuestions, pendingQuestions, type PendingQuestion, type QuestionFilter } from '../../store/monitoring.ts';
import { withApp } from '../context.ts';
import type { Io } from '../io.ts';
import { outputFormat, renderRows, type Column } from '../table.ts';

export interface PendingOptions {
  legislature?: number;
  addressee?: string;
  author?: string;
  json?: boolean;
  csv?: boolean;
}

/** The author with the party, as the pages print it. */
export function authorLabel(name: string | null, party: string | null): string {
  return `${name ?? ''}${party ? ` (${party})` : ''}`;
}

const COLUMNS: readonly Column<PendingQuestion>[] = [
  { header: 'id', value: (q) => q.id },
  { header: 'sent', value: (q) => q.sentDate },
  { header: 'waiting', value: (q) => (q.daysWaiting === null ? null : `${q.daysWaiting}d`), align: 'right' },
  // `~`: estimated (the page prints no deadline).
  { header: 'deadline', value: (q) => (q.deadline ? `${q.deadlineEstimated ? '~' : ''}${q.deadline}` : null) },
  { header: 'overdue', value: (q) => (q.daysOverdue !== null && q.daysOverdue > 0 ? `${q.daysOverdue}d` : null), align: 'right' },
  { header: 'reminders', value: (q) => q.reminders || null, align: 'right' },
  { header: 'addressee', value: (q) => describeAddresseeKey(q.addresseeKey), max: 36 },
  { header: 'author', value: (q) => authorLabel(q.author, q.party), max: 30 },
  { header: 'subject', value: (q) => q.subject.fr ?? q.subject.nl, max: 60 },
];

export async function pending(opts: PendingOptions, io: Io, which: 'pending' | 'overdue' = 'pending'): Promise<void> {
  const format = outputFormat(opts);
  const filter: QuestionFilter = { legislature: opts.legislature, addressee: opts.addressee, author: opts.author };
  await withApp(io, async ({ db, config }) => {
    const read = which === 'pending' ? pendingQuestions : overdueQuestions;
    const rows = await read(db, filter, { deadlineEstimateDays: config.deadlineEstimateDays });
    const empty = which === 'pending' ? 'no unanswered questions' : 'no question is past its deadline';
    io.stdout.write(renderRows(format, rows, COLUMNS, { json: (r) => r, empty }));
    if (format === 'table' && rows.some((r) => r.deadlineEstimated)) {
      io.stdout.write(`~ estimated deadline: the page prints none; sent + ${config.deadlineEstimateDays} days (DEADLINE_ESTIMATE_DAYS)\n`);
    }
  });
}

export function overdue(opts: PendingOptions, io: Io): Promise<void> {
  return pending(opts, io, 'overdue');
}
