/**
 * The exports' two formats, one question per line or row: CSV (RFC 4180, UTF-8, a header row,
 * each language's fields in their own columns) and JSON Lines (the same fields, languages
 * nested). Pure functions from a batch of questions to text, so the CLI and the HTTP export
 * stream the same bytes.
 */
import type { Lang } from '../senate/question-record.ts';
import type { ExportQuestion, ExportTexts } from '../store/search.ts';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type Cell = string | number | boolean | Date | null;

const SHARED_COLUMNS: readonly [string, (q: ExportQuestion) => Cell][] = [
  ['id', (q) => q.id],
  ['legislature', (q) => q.legislature],
  ['number', (q) => q.number],
  ['status', (q) => q.status],
  ['author_name', (q) => q.authorName],
  ['author_party', (q) => q.authorParty],
  ['sent_date', (q) => q.sentDate],
  ['answer_deadline', (q) => q.answerDeadline],
  ['deadline_estimated', (q) => q.deadlineEstimated],
  ['answer_date', (q) => q.answerDate],
  ['original_language', (q) => q.originalLanguage],
  ['first_seen_at', (q) => q.firstSeenAt],
  ['last_changed_at', (q) => q.lastChangedAt],
  ['gone_since', (q) => q.goneSince],
];

const TEXT_COLUMNS: readonly [string, (t: ExportTexts) => Cell][] = [
  ['title', (t) => t.title],
  ['addressee', (t) => t.addressee],
  ['subject', (t) => t.subject],
  // Keywords hold commas, never a semicolon followed by a space.
  ['keywords', (t) => t.keywords.join('; ')],
  ['question_text', (t) => t.questionText],
  ['answer_date', (t) => t.answerDate],
  ['answer_text', (t) => t.answerText],
  ['answer_html', (t) => t.answerHtml],
];

const LANGS: readonly Lang[] = ['fr', 'nl'];

/** The CSV header's column names, in order: shared fields, then `title_fr`…, then `title_nl`…. */
export const CSV_COLUMNS: readonly string[] = [...SHARED_COLUMNS.map(([n]) => n), ...LANGS.flatMap((l) => TEXT_COLUMNS.map(([n]) => `${n}_${l}`))];

/** One CSV field: quoted when it holds a quote, a separator or a line break; quotes doubled. Null is empty. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  const s = value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvRow(q: ExportQuestion): string {
  const cells: Cell[] = SHARED_COLUMNS.map(([, get]) => get(q));
  for (const l of LANGS) {
    const t = q.texts[l];
    for (const [, get] of TEXT_COLUMNS) cells.push(t ? get(t) : null);
  }
  return `${cells.map(csvField).join(',')}\r\n`;
}

export function jsonlRow(q: ExportQuestion): string {
  return `${JSON.stringify(q)}\n`;
}

/** The export's text, header first, batch by batch, as the batches come. */
export async function* exportLines(format: ExportFormat, batches: AsyncIterable<ExportQuestion[]>): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader();
  const row = format === 'csv' ? csvRow : jsonlRow;
  for await (const batch of batches) yield batch.map(row).join('');
}
