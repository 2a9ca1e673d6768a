/**
 * A small legislature for the monitoring tests, as fake-Senate pages: generated, set to known
 * dates, deadlines, answers and addressees, printed, parsed by the real parser, merged and
 * upserted. "Today" is NOW (2026-11-30). Events and changes are stored as given.
 */
import { mergeBilingual } from '../../src/senate/bilingual.ts';
import { parseQuestionPage } from '../../src/senate/question-page.ts';
import type { ChronologyEvent, Lang, QuestionPage } from '../../src/senate/question-record.ts';
import type { Db } from '../../src/store/db.ts';
import { insertEvents, type NewEvent } from '../../src/store/events.ts';
import { appendChanges, type NewChange } from '../../src/store/monitoring.ts';
import { upsertQuestion } from '../../src/store/questions.ts';
import { generateQuestions } from '../fake-senate/generate.ts';
import { EVENT_LABELS } from '../fake-senate/labels.ts';
import { encodePage, renderPage } from '../fake-senate/markup.ts';
import { pageBlocks } from '../fake-senate/print-page.ts';

export const NOW = new Date('2026-11-30T12:00:00Z');
/** When the seeded questions were first crawled. */
export const FIRST_CRAWL = new Date('2026-07-01T03:00:00Z');

type Pair = readonly [fr: string, nl: string];
const JUSTICE: Pair = ['au ministre de la Justice', 'aan de minister van Justitie'];
const JUSTICE_F: Pair = ['à la ministre de la Justice', 'aan de minister van Justitie'];
const FOREIGN: Pair = ['au ministre des Affaires étrangères', 'aan de minister van Buitenlandse Zaken'];
const FOREIGN_VICE: Pair = [
  'au vice-premier ministre et ministre des Affaires étrangères, du Commerce extérieur et des Affaires européennes',
  'aan de vice-eersteminister en minister van Buitenlandse Zaken en Institutionele Hervormingen',
];
const EMPLOYMENT: Pair = ["à la ministre de l'Emploi", 'aan de minister van Werk'];

export interface SeedQuestion {
  number: number;
  addressee: Pair;
  author: { name: string; party: string };
  sent: string;
  /** Printed deadline; null: the page prints none. */
  deadline: string | null;
  answered?: string;
  reminder?: string;
  closed?: string;
  /** First crawl time; default FIRST_CRAWL. */
  firstSeen?: Date;
}

const ANCIAUX = { name: 'Bert Anciaux', party: 'sp.a' };
const LIJNEN = { name: 'Nele Lijnen', party: 'Open Vld' };

/** The legislature 8 of the tests (today 2026-11-30). */
export const SEED: readonly SeedQuestion[] = [
  { number: 1, addressee: JUSTICE, author: ANCIAUX, sent: '2026-09-01', deadline: '2026-10-01', reminder: '2026-10-15' },
  { number: 2, addressee: JUSTICE_F, author: LIJNEN, sent: '2026-11-20', deadline: '2026-12-20' },
  { number: 3, addressee: JUSTICE, author: LIJNEN, sent: '2026-06-01', deadline: '2026-07-01', answered: '2026-06-21' },
  { number: 4, addressee: JUSTICE, author: LIJNEN, sent: '2026-06-01', deadline: '2026-07-01', answered: '2026-08-10' },
  { number: 5, addressee: FOREIGN, author: LIJNEN, sent: '2026-10-01', deadline: null },
  { number: 6, addressee: FOREIGN_VICE, author: LIJNEN, sent: '2026-10-01', deadline: null, answered: '2026-10-11' },
  { number: 7, addressee: EMPLOYMENT, author: LIJNEN, sent: '2026-02-01', deadline: '2026-03-01', closed: '2026-02-15' },
  { number: 8, addressee: EMPLOYMENT, author: LIJNEN, sent: '2026-11-01', deadline: '2026-12-01', answered: '2026-11-29', firstSeen: new Date('2026-11-30T09:00:00Z') },
];

function page(base: QuestionPage, s: SeedQuestion, lang: Lang): QuestionPage {
  const events: ChronologyEvent[] = [{ date: s.sent, type: 'sent', label: EVENT_LABELS.sent[lang] }];
  if (s.reminder) events.push({ date: s.reminder, type: 'reminder', label: EVENT_LABELS.reminder[lang] });
  if (s.closed) events.push({ date: s.closed, type: 'closed', label: EVENT_LABELS.closed[lang] });
  if (s.answered) events.push({ date: s.answered, type: 'answered', label: EVENT_LABELS.answered[lang] });
  const text = lang === 'fr' ? `Réponse à la question ${s.number}.` : `Antwoord op vraag ${s.number}.`;
  return {
    ...base,
    addressee: lang === 'fr' ? s.addressee[0] : s.addressee[1],
    author: s.author,
    sentDate: s.sent,
    answerDeadline: s.deadline,
    events,
    relations: [],
    answer: s.answered ? { date: s.answered, text, html: `<p>${text}</p>` } : null,
    status: s.answered ? 'answered' : s.closed ? 'closed' : 'pending',
  };
}

/** Prints the page as the fake Senate would and parses it back with the real parser. */
function printedAndParsed(p: QuestionPage): QuestionPage {
  const body = encodePage(renderPage(pageBlocks(p), { markup: 'table', lang: p.lang }));
  const parsed = parseQuestionPage({ body, lang: p.lang, expectedId: p.id });
  if (!parsed.ok) throw new Error(`${p.id} ${p.lang}: ${parsed.message}`);
  return parsed.page;
}

/** Upserts the SEED questions (or `questions`) into legislature 8. */
export async function seedQuestions(db: Db, questions: readonly SeedQuestion[] = SEED): Promise<void> {
  const max = Math.max(...questions.map((q) => q.number));
  const generated = generateQuestions(max, { legislature: 8, seed: 9 });
  for (const s of questions) {
    const base = generated[s.number - 1]!;
    const record = mergeBilingual(printedAndParsed(page(base.fr, s, 'fr')), printedAndParsed(page(base.nl, s, 'nl')));
    await upsertQuestion(db, record, { parserVersion: 'test', now: s.firstSeen ?? FIRST_CRAWL, history: false });
  }
}

export async function seedEvents(db: Db, events: readonly NewEvent[]): Promise<void> {
  await db.transaction((tx) => insertEvents(tx, events, []));
}

export async function seedChanges(db: Db, changes: readonly NewChange[]): Promise<void> {
  await appendChanges(db, changes);
}

/** The events and changes of the tests: 8-3's answer arrived yesterday (FR, NL today), 8-4's long ago, 8-6's known by a change only. */
export const SEED_EVENTS: readonly NewEvent[] = [
  { type: 'question_new', questionId: '8-1', lang: null, key: '', payload: {}, occurredAt: FIRST_CRAWL },
  { type: 'answer_arrived', questionId: '8-4', lang: 'nl', key: 'a4', payload: {}, occurredAt: new Date('2026-11-01T03:00:00Z') },
  { type: 'answer_arrived', questionId: '8-3', lang: 'fr', key: 'a3', payload: {}, occurredAt: new Date('2026-11-29T10:00:00Z') },
  { type: 'translation_arrived', questionId: '8-3', lang: 'nl', key: 't3', payload: {}, occurredAt: new Date('2026-11-30T08:00:00Z') },
  { type: 'field_changed', questionId: '8-1', lang: 'fr', key: 'subject', payload: { field: 'subject' }, occurredAt: new Date('2026-11-30T08:30:00Z') },
];

export const SEED_CHANGES: readonly NewChange[] = [
  // Stored out of order on purpose: history reads by time observed.
  { questionId: '8-1', lang: 'fr', field: 'subject', old: 'Prisons - Surpopulation', new: 'Prisons belges - Surpopulation carcérale', observedAt: new Date('2026-11-30T08:30:00Z'), parserVersion: '1.0.0' },
  { questionId: '8-1', lang: null, field: 'answerDeadline', old: '2026-09-30', new: '2026-10-01', observedAt: new Date('2026-10-02T03:00:00Z'), parserVersion: '1.0.1', cause: 'parser' },
  {
    questionId: '8-6',
    lang: 'nl',
    field: 'answer',
    old: null,
    new: { date: '2026-10-11', text: 'Antwoord op vraag 6.', html: '<p>Antwoord op vraag 6.</p>' },
    observedAt: new Date('2026-11-29T20:00:00Z'),
    parserVersion: '1.0.0',
  },
];

/** Everything: questions, events, changes. */
export async function seedAll(db: Db): Promise<void> {
  await seedQuestions(db);
  await seedEvents(db, SEED_EVENTS);
  await seedChanges(db, SEED_CHANGES);
}
