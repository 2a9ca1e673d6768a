/**
 * The chronology block of a question page: dated events (with the inline answer deadline) and
 * the relations to other questions, and the status they imply. Unknown labels are kept as
 * `unknown` and reported.
 */
import type { ChronologyEvent, QuestionStatus, Relation } from './question-record.ts';
import type { HtmlBlock } from './html-blocks.ts';
import { parseNumericDate } from './dates.ts';
import { DEADLINE_RE, eventType, relationKind, relationTargetType } from './labels.ts';
import { CHRONO, EVENT_START, QHEAD, RELATION_G, RELATION_TARGET, RELATION_TEST, RULE, UNKNOWN_RELATION } from './page-patterns.ts';

/** A chronology label in its own cell after a date-only cell (it may carry the deadline). */
function isEventLabel(text: string): boolean {
  return !EVENT_START.test(text) && !RULE.test(text) && !CHRONO.test(text) && !RELATION_TEST.test(text) && !QHEAD.test(text);
}

export interface Chronology {
  events: ChronologyEvent[];
  deadline: string | null;
  relations: Relation[];
}

export function readChronology(blocks: readonly HtmlBlock[], from: number, qIdx: number, bilingual: boolean, unknownLabels: string[]): Chronology {
  let events: ChronologyEvent[] = [];
  let deadline: string | null = null;
  let relations: Relation[] = [];
  for (let i = from; i < qIdx; i++) {
    const text = blocks[i]!.text;
    if (RULE.test(text) || CHRONO.test(text)) continue;
    const ev = EVENT_START.exec(text);
    if (ev) {
      let label = ev[2]!;
      if (label === '' && i + 1 < qIdx && isEventLabel(blocks[i + 1]!.text)) label = blocks[++i]!.text;
      const dl = DEADLINE_RE.exec(label);
      if (dl) {
        deadline ??= parseNumericDate(dl[1]!);
        label = label.replace(DEADLINE_RE, '');
      }
      label = label.replace(/\s+/g, ' ').trim();
      const type = eventType(label);
      const date = parseNumericDate(ev[1]!);
      if (!date) continue;
      events.push({ date, type, label });
      if (type === 'unknown' && !unknownLabels.includes(label)) unknownLabels.push(label);
      continue;
    }
    const dl = DEADLINE_RE.exec(text);
    if (dl) {
      deadline ??= parseNumericDate(dl[1]!);
      continue;
    }
    relations.push(...readRelations(text, unknownLabels));
  }
  if (bilingual) events = dedupeHalves(events);
  relations = dedupeRelations(relations);
  return { events, deadline, relations };
}

/** The bilingual print repeats its chronology once per column. */
function dedupeHalves(events: ChronologyEvent[]): ChronologyEvent[] {
  const n = events.length;
  if (n % 2 !== 0) return events;
  const h = n / 2;
  for (let i = 0; i < h; i++) if (events[i]!.date !== events[i + h]!.date || events[i]!.type !== events[i + h]!.type) return events;
  return events.slice(0, h);
}

function dedupeRelations(relations: Relation[]): Relation[] {
  const seen = new Set<string>();
  return relations.filter((r) => {
    const key = `${r.kind}|${r.target}|${r.kind === 'unknown' ? r.label : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** All relations printed on one line: `Réintroduction de : question écrite 5-3820Requalifiée en :`. */
function readRelations(text: string, unknownLabels: string[]): Relation[] {
  const matches = [...text.matchAll(RELATION_G)];
  if (matches.length === 0) {
    const u = UNKNOWN_RELATION.exec(text);
    if (!u) return [];
    const label = u[1]!.trim();
    const t = RELATION_TARGET.exec(u[2]!);
    if (!unknownLabels.includes(label)) unknownLabels.push(label);
    return [{ kind: 'unknown', target: t?.[2] ?? null, targetType: t?.[1] ? relationTargetType(t[1]) : null, label }];
  }
  return matches.map((m, n) => {
    const start = m.index! + m[0].length;
    const stop = n + 1 < matches.length ? matches[n + 1]!.index! : text.length;
    const rest = text.slice(start, stop);
    const t = RELATION_TARGET.exec(rest);
    const label = m[1]!;
    return { kind: relationKind(label), target: t?.[2] ?? null, targetType: t?.[2] && t[1] ? relationTargetType(t[1]) : null, label };
  });
}

/**
 * Status from the chronology, in order: an answer is final (even after a requalification);
 * otherwise the last of closed / lapsed / requalified; otherwise pending.
 */
export function statusOf(events: readonly ChronologyEvent[], hasAnswer: boolean): QuestionStatus {
  if (hasAnswer || events.some((e) => e.type === 'answered')) return 'answered';
  let status: QuestionStatus = 'pending';
  for (const e of events) {
    if (e.type === 'closed') status = 'closed';
    else if (e.type === 'lapsed') status = 'lapsed';
    else if (e.type === 'requalified') status = 'requalified';
  }
  return status;
}
