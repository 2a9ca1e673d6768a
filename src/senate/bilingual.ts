/**
 * One question from its French and Dutch pages. Shared fields (author, dates, events,
 * relations, status) come from either page; where the two disagree the disagreement is
 * listed in `conflicts`, never thrown, so one odd page cannot stop the crawl.
 */
import type { Author, BilingualQuestion, ChronologyEvent, QuestionPage, Relation } from './question-record.ts';
import { statusOf } from './chronology.ts';
import { textsOf } from './fields.ts';

const eventKey = (e: ChronologyEvent): string => `${e.date} ${e.type}${e.type === 'unknown' ? ` ${e.label}` : ''}`;
const relationKey = (r: Relation): string => `${r.kind} ${r.target ?? '-'}`;

/** Merges the two language pages of one question; throws only when both are missing. */
export function mergeBilingual(fr: QuestionPage | null, nl: QuestionPage | null): BilingualQuestion {
  const base = fr ?? nl;
  if (!base) throw new Error('mergeBilingual needs at least one page');
  const conflicts: string[] = [];
  const other = fr && nl ? nl : null;
  const pick = <T>(field: string, a: T, b: T | undefined, show: (v: T) => string = (v) => JSON.stringify(v)): T => {
    if (b === undefined || other === null) return a;
    if (a === null || a === undefined) return b;
    if (b === null) return a;
    if (show(a) !== show(b)) conflicts.push(`${field}: fr ${show(a)} ≠ nl ${show(b)}`);
    return a;
  };

  if (fr && nl && fr.id !== nl.id) conflicts.push(`id: fr ${fr.id} ≠ nl ${nl.id}`);
  const author: Author = {
    name: pick('author.name', base.author.name, other?.author.name),
    party: pick('author.party', base.author.party, other?.author.party),
  };
  const sentDate = pick('sentDate', base.sentDate, other?.sentDate);
  const answerDeadline = pick('answerDeadline', base.answerDeadline, other?.answerDeadline);
  const originalLanguage = pick('originalLanguage', base.originalLanguage, other?.originalLanguage);

  // Events: the longer chronology wins (one page may have been fetched after a new event).
  let events = base.events;
  if (other) {
    const a = base.events.map(eventKey).join(', ');
    const b = other.events.map(eventKey).join(', ');
    if (a !== b) {
      conflicts.push(`events: fr [${a}] ≠ nl [${b}]`);
      if (other.events.length > base.events.length) events = other.events;
    }
  }
  let relations = base.relations;
  if (other) {
    const a = new Set(base.relations.map(relationKey));
    const b = new Set(other.relations.map(relationKey));
    const same = a.size === b.size && [...a].every((k) => b.has(k));
    if (!same) {
      conflicts.push(`relations: fr [${[...a].join(', ')}] ≠ nl [${[...b].join(', ')}]`);
      relations = [...base.relations, ...other.relations.filter((r) => !a.has(relationKey(r)))];
    }
  }
  const answerDates = [fr?.answer?.date, nl?.answer?.date].filter((d): d is string => typeof d === 'string');
  if (answerDates.length === 2 && answerDates[0] !== answerDates[1]) conflicts.push(`answerDate: fr ${answerDates[0]} ≠ nl ${answerDates[1]}`);
  const answerDate = answerDates[0] ?? events.find((e) => e.type === 'answered')?.date ?? null;
  const hasAnswer = Boolean(fr?.answer || nl?.answer);
  if (fr && nl && fr.status !== nl.status) conflicts.push(`status: fr ${fr.status} ≠ nl ${nl.status}`);

  const out: BilingualQuestion = {
    id: base.id,
    legislature: base.legislature,
    number: base.number,
    author,
    sentDate,
    status: statusOf(events, hasAnswer),
    answerDeadline,
    originalLanguage,
    events,
    relations,
    answerDate,
    texts: {},
    conflicts,
  };
  if (fr) out.texts.fr = textsOf(fr);
  if (nl) out.texts.nl = textsOf(nl);
  return out;
}
