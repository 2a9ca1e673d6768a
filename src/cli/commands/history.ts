/**
 * `senate-questions history <id>`: a question's changes, oldest first. A changed text is shown
 * as a word-level diff (jsdiff's diffWordsWithSpace: a well-kept Myers diff over words and
 * spaces), coloured on a terminal (removed red, added green), `[-removed-]{+added+}` elsewhere
 * as `git diff --word-diff=plain` does; long unchanged stretches are elided.
 */
import { diffWordsWithSpace } from 'diff';
import { questionHistory, type QuestionChange } from '../../store/monitoring.ts';
import { WorkFailedError } from '../../util/errors.ts';
import { withApp } from '../context.ts';
import type { Io } from '../io.ts';
import { csvLine, outputFormat, renderJson } from '../table.ts';
import { minute } from './answered.ts';

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/** Words of unchanged text kept on each side of a change. */
const CONTEXT_WORDS = 8;

/** A stored value as text: strings as they are, an answer by its text, an author as printed, lists one item per `; `. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('; ');
  const o = value as Record<string, unknown>;
  if (typeof o.text === 'string') return `${typeof o.date === 'string' ? `[${o.date}] ` : ''}${o.text}`;
  if (typeof o.name === 'string') return `${o.name}${typeof o.party === 'string' ? ` (${o.party})` : ''}`;
  return JSON.stringify(value);
}

/** Unchanged text cut to its first and last `CONTEXT_WORDS` words (the edges of a change). */
function elide(text: string, keepStart: boolean, keepEnd: boolean): string {
  const words = text.split(/(\s+)/);
  const n = CONTEXT_WORDS * 2;
  if (words.length <= n * 2 + 1) return text;
  const head = keepStart ? words.slice(0, n).join('') : '';
  const tail = keepEnd ? words.slice(-n).join('') : '';
  return `${head}…${tail}`;
}

/**
 * The word-level diff of two texts on one line (newlines shown as ⏎). `color`: ANSI colours,
 * else `[-…-]` and `{+…+}` markers.
 */
export function wordDiff(before: string, after: string, color: boolean): string {
  const parts = diffWordsWithSpace(before, after);
  return parts
    .map((p, i) => {
      const text = p.value.replace(/\r?\n/g, '⏎');
      if (p.removed) return color ? `${RED}${text}${RESET}` : `[-${text}-]`;
      if (p.added) return color ? `${GREEN}${text}${RESET}` : `{+${text}+}`;
      return elide(text, i > 0, i < parts.length - 1);
    })
    .join('');
}

/** How a change reads: `old → new` for short values, a word diff for texts. */
export function describeChange(c: QuestionChange, color: boolean): string {
  if (c.kind === 'source_field_missing') return `no longer on the page; kept: ${valueText(c.old) || '(none)'}`;
  if (c.kind === 'reformatted') return 'reformatted (whitespace only)';
  const before = valueText(c.old);
  const after = valueText(c.new);
  if (!before || !after || (before.length < 40 && after.length < 40)) return `${before || '(none)'} → ${after || '(none)'}`;
  return wordDiff(before, after, color);
}

function heading(c: QuestionChange, color: boolean): string {
  const where = [c.cause === 'parser' ? `parser ${c.parserVersion}` : 'senate', c.runId !== null ? `run ${c.runId}` : '', c.fetchId !== null ? `fetch ${c.fetchId}` : '']
    .filter(Boolean)
    .join(', ');
  const line = `${minute(c.observedAt)}  ${c.field}${c.lang ? ` (${c.lang})` : ''}  ${where}`;
  return color ? `${DIM}${minute(c.observedAt)}${RESET}${line.slice(minute(c.observedAt)!.length)}` : line;
}

export async function history(id: string, opts: { json?: boolean; csv?: boolean }, io: Io): Promise<void> {
  const format = outputFormat(opts);
  await withApp(io, async ({ db }) => {
    const h = await questionHistory(db, id);
    if (!h) throw new WorkFailedError(`question ${id} is not stored`);
    if (format === 'json') {
      io.stdout.write(renderJson(h));
      return;
    }
    if (format === 'csv') {
      io.stdout.write(csvLine(['id', 'observed_at', 'lang', 'field', 'cause', 'kind', 'parser_version', 'run_id', 'fetch_id', 'old', 'new']));
      for (const c of h.changes) {
        io.stdout.write(csvLine([c.id, c.observedAt.toISOString(), c.lang, c.field, c.cause, c.kind, c.parserVersion, c.runId, c.fetchId, JSON.stringify(c.old), JSON.stringify(c.new)]));
      }
      return;
    }
    const color = io.stdout.isTTY === true;
    const out = [`${id}: first seen ${minute(h.firstSeenAt)}, ${h.changes.length === 0 ? 'no changes since' : `${h.changes.length} change${h.changes.length === 1 ? '' : 's'}, oldest first`}`];
    for (const c of h.changes) out.push(heading(c, color), `  ${describeChange(c, color)}`);
    io.stdout.write(`${out.join('\n')}\n`);
  });
}
