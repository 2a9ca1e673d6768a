/**
 * Output of the monitoring commands: an aligned table (the default), JSON (`--json`) or CSV
 * (`--csv`, RFC 4180: comma, CRLF line ends, quotes doubled).
 */
import { UsageError } from '../util/errors.ts';

export type OutputFormat = 'table' | 'json' | 'csv';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  /** Numbers read best right-aligned. Default left. */
  align?: 'left' | 'right';
  /** In a table, longer cells are cut to this many characters with an ellipsis (CSV keeps them whole). */
  max?: number;
}

/** `--json` and `--csv` are exclusive; neither: a table. */
export function outputFormat(opts: { json?: boolean | undefined; csv?: boolean | undefined }): OutputFormat {
  if (opts.json && opts.csv) throw new UsageError('--json and --csv cannot be given together');
  return opts.json ? 'json' : opts.csv ? 'csv' : 'table';
}

function cellText(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  return String(v).replace(/[\r\n\t]+/g, ' ');
}

function cut(text: string, max: number | undefined): string {
  if (max === undefined || text.length <= max) return text;
  return `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** The rows' cells as strings, cut to each column's width limit. */
function cells<T>(rows: readonly T[], columns: readonly Column<T>[]): string[][] {
  return rows.map((r) => columns.map((c) => cut(cellText(c.value(r)), c.max)));
}

/** Column widths for the header and `body` cells. */
export function columnWidths<T>(columns: readonly Column<T>[], body: readonly string[][]): number[] {
  return columns.map((c, i) => Math.max(c.header.length, ...body.map((row) => row[i]!.length)));
}

/** One table line: cells padded to `widths`, two spaces apart, no trailing blanks. */
export function tableLine<T>(columns: readonly Column<T>[], widths: readonly number[], row: readonly string[]): string {
  return row
    .map((cell, i) => (columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();
}

/** An aligned table with a header and a rule, each line ending in a newline. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const body = cells(rows, columns);
  const widths = columnWidths(columns, body);
  const header = tableLine(columns, widths, columns.map((c) => c.header));
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [header, rule, ...body.map((row) => tableLine(columns, widths, row))].map((l) => `${l}\n`).join('');
}

function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record (CRLF-terminated). */
export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A CSV document: the headers, then one record per row, values whole. */
export function renderCsv<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  return csvLine(columns.map((c) => c.header)) + rows.map((r) => csvLine(columns.map((c) => c.value(r)))).join('');
}

/** JSON with two-space indentation and a final newline. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The rows in `format`: JSON of `json(rows)` (the typed records, not the table's cells), CSV
 * of the columns, or the table (`empty` instead when there are no rows).
 */
export function renderRows<T>(format: OutputFormat, rows: readonly T[], columns: readonly Column<T>[], opts: { json: (rows: readonly T[]) => unknown; empty: string }): string {
  if (format === 'json') return renderJson(opts.json(rows));
  if (format === 'csv') return renderCsv(rows, columns);
  return rows.length === 0 ? `${opts.empty}\n` : renderTable(rows, columns);
}
