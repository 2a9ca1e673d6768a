/** Argument parsers of `serve` and `export` (bad input: UsageError, exit 2). Cheap to load: no command code. */
import { UsageError } from '../util/errors.ts';

/** `--port <n>`: 0 (any free port) to 65535. */
export function port(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65_535) throw new UsageError(`--port takes a port number from 0 to 65535, not ${JSON.stringify(value)}`);
  return n;
}

/** `--format csv|jsonl`, any case. */
export function exportFormat(value: string): 'csv' | 'jsonl' {
  const given = value.toLowerCase();
  if (given !== 'csv' && given !== 'jsonl') throw new UsageError(`--format must be csv or jsonl (got ${JSON.stringify(value)})`);
  return given;
}

/** `--since <date|time>`: YYYY-MM-DD (midnight UTC) or an ISO 8601 time with its zone. */
export function sinceTime(value: string): Date {
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(value) || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
  const d = new Date(value);
  if (!ok || Number.isNaN(d.getTime())) throw new UsageError(`--since takes a date (2024-05-01) or a time with its zone (2024-05-01T08:00:00Z), not ${JSON.stringify(value)}`);
  return d;
}
