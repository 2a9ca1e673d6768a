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
