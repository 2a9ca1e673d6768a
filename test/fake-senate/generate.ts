/**
 * Synthetic but realistic questions: the ground truth the fake Senate serves and the parser
 * must read back. Deterministic per seed. Both languages are built from one draft, so author,
 * dates, events and relations agree; only labels and texts are translated.
 *
 * The mix, per question: ~55% answered (some with tables or lists in the answer), closed and
 * re-submitted under a later number, sent to several ministers at once (`also_asked_to`),
 * requalified into a request for explanations (sometimes answered after all), reminders,
 * and, for a finished legislature, lapsed at its end; in the current one, pending with
 * deadlines both past and future (relative to `asOf`). ~5% of NL pages carry damaged
 * characters (see damage.ts).
 */
import type {
  ChronologyEvent,
  EventType,
  Lang,
  QuestionPage,
  QuestionStatus,
  Relation,
  RelationKind,
  RelationTargetType,
} from '../../src/senate/question-record.ts';
import { questionId } from '../../src/senate/urls.ts';
import { answerFromParts, type AnswerPart } from './answer-content.ts';
import { cleanRepairCount } from './damage.ts';
import { addDays, daysToIso, isoToDays } from './dates.ts';
import { EVENT_LABELS, RELATION_LABELS, titleLine } from './labels.ts';
import { createRng, type Rng } from './rng.ts';
import {
  ADDRESSEES,
  GENERIC_ANSWERS,
  GENERIC_ASKS,
  GENERIC_CONTEXT,
  LEAD_INS,
  REGIONS,
  SENATORS,
  SUBJECT_TAILS,
  TOPICS,
  type Pair,
  type Senator,
} from './vocabulary.ts';

export interface QuestionPair {
  fr: QuestionPage;
  nl: QuestionPage;
}

export interface GenerateOptions {
  legislature: number;
  seed: number;
  /** First question number; default 1. Numbers are consecutive. */
  startNumber?: number;
  /**
   * "Today" for the current legislature (ISO): sent dates run up to it, so the newest pending
   * questions have deadlines in the future. Default `2026-11-15`. Fixed, so that output does
   * not depend on the clock.
   */
  asOf?: string;
}

/** Legislature start and end (null = current). */
export const LEGISLATURES: Readonly<Record<number, { start: string; end: string | null }>> = {
  1: { start: '1995-07-01', end: '1999-05-06' },
  2: { start: '1999-07-01', end: '2003-04-10' },
  3: { start: '2003-07-01', end: '2007-05-02' },
  4: { start: '2007-07-06', end: '2010-05-06' },
  5: { start: '2010-07-06', end: '2014-04-28' },
  6: { start: '2014-07-01', end: '2019-05-23' },
  7: { start: '2019-07-01', end: '2024-05-09' },
  8: { start: '2024-07-09', end: null },
};

/** LEG 5 and the bulletins of LEG 1–3 print no deadline (docs/anatomy.md). */
const PRINTS_DEADLINE = (leg: number): boolean => leg >= 4 && leg !== 5;

type Bilingual = Record<Lang, string>;

interface Draft {
  number: number;
  sentDate: string;
  deadline: string | null;
  content: Content;
  addressee: Pair;
  events: Array<{ date: string; type: Exclude<EventType, 'unknown'> }>;
  relations: Array<{ kind: Exclude<RelationKind, 'unknown'>; target: string; targetType: RelationTargetType }>;
  answer: { date: string; parts: Record<Lang, AnswerPart[]> } | null;
  damaged: boolean;
}

interface Content {
  senator: Senator;
  subject: Bilingual;
  keywords: Pair[];
  questionText: Bilingual;
  topic: (typeof TOPICS)[number];
  years: [number, number];
}

export function generateQuestions(n: number, opts: GenerateOptions): QuestionPair[] {
  const leg = opts.legislature;
  const span = LEGISLATURES[leg];
  if (!span) throw new Error(`unknown legislature ${leg}`);
  const rng = createRng(opts.seed);
  const start = opts.startNumber ?? 1;
  const horizon = span.end ?? opts.asOf ?? '2026-11-15';
  const startDay = isoToDays(span.start);
  const days = Math.max(1, isoToDays(horizon) - startDay - 1);

  const drafts: Draft[] = [];
  // Closed questions waiting to be re-submitted under a later number.
  const closedQueue: Draft[] = [];
  let i = 0;
  while (i < n) {
    const sentDate = daysToIso(startDay + Math.floor((i / n) * days));
    const number = start + i;
    const reintroduced = closedQueue[0];
    if (reintroduced && reintroduced.events.at(-1)!.date < sentDate && rng.chance(0.7)) {
      closedQueue.shift();
      const d = makeDraft(rng, leg, number, sentDate, horizon, contentOf(reintroduced));
      d.relations.push({ kind: 'reintroduction_of', target: questionId(leg, reintroduced.number), targetType: 'written_question' });
      reintroduced.relations.push({ kind: 'reintroduced_as', target: questionId(leg, number), targetType: 'written_question' });
      pushDraft(d);
      i++;
      continue;
    }
    const content = newContent(rng, sentDate);
    // The same question sent to two or three ministers under consecutive numbers.
    const group = rng.chance(0.06) ? Math.min(rng.int(2, 3), n - i) : 1;
    const members: Draft[] = [];
    for (let g = 0; g < group; g++) members.push(makeDraft(rng, leg, number + g, sentDate, horizon, content));
    if (members.length > 1) {
      const addressees = rng.sample(ADDRESSEES, members.length);
      members.forEach((m, k) => {
        m.addressee = addressees[k]!;
        const others = members.filter((o) => o !== m);
        m.relations = [
          ...others.map((o) => ({ kind: 'also_asked_to' as const, target: questionId(leg, o.number), targetType: 'written_question' as const })),
          ...m.relations,
        ];
      });
    }
    members.forEach(pushDraft);
    i += members.length;
  }
  return drafts.map((d) => materialize(d, leg));

  function pushDraft(d: Draft): void {
    drafts.push(d);
    if (d.events.at(-1)!.type === 'closed') closedQueue.push(d);
  }
}

function contentOf(d: Draft): Content {
  return d.content;
}

function newContent(rng: Rng, sentDate: string): Content {
  const topic = rng.pick(TOPICS);
  const y2 = Number(sentDate.slice(0, 4)) - 1;
  const years: [number, number] = [y2 - rng.int(1, 4), y2];
  const fill = (s: string): string => s.replace(/\{y1\}/g, String(years[0])).replace(/\{y2\}/g, String(years[1]));
  const subjectParts: Pair[] = [...topic.subject.slice(0, rng.int(1, topic.subject.length)), ...rng.sample(SUBJECT_TAILS, rng.int(0, 2))];
  const keywords = rng.sample(topic.keywords, rng.int(2, topic.keywords.length));
  const asks = [...topic.asks, ...rng.sample(GENERIC_ASKS, rng.int(1, 3))];
  const style = rng.int(0, 2);
  const bullet = (k: number): string => (style === 0 ? `${k + 1}) ` : style === 1 ? `${k + 1}. ` : '- ');
  const lead = rng.pick(LEAD_INS);
  const context = rng.pick(GENERIC_CONTEXT);
  const text = (l: 0 | 1): string =>
    [...topic.intro.map((p) => fill(p[l])), context[l], lead[l], ...asks.map((a, k) => bullet(k) + fill(a[l]))].join('\n\n');
  return {
    senator: rng.pick(SENATORS),
    subject: { fr: subjectParts.map((p) => p[0]).join(' - '), nl: subjectParts.map((p) => p[1]).join(' - ') },
    keywords,
    questionText: { fr: text(0), nl: text(1) },
    topic,
    years,
  };
}

function makeDraft(rng: Rng, leg: number, number: number, sentDate: string, horizon: string, content: Content): Draft {
  const ended = LEGISLATURES[leg]!.end !== null;
  const events: Draft['events'] = [{ date: sentDate, type: 'sent' }];
  const relations: Draft['relations'] = [];
  const fits = (iso: string): boolean => iso < horizon;
  let answer: Draft['answer'] = null;

  const r = rng.next();
  const answerDelay = rng.int(10, 160);
  const reminder = (from: string): void => {
    const d = addDays(from, rng.int(50, 110));
    if (fits(d) && rng.chance(0.5)) events.push({ date: d, type: 'reminder' });
  };
  if (r < 0.6 && fits(addDays(sentDate, answerDelay))) {
    if (answerDelay > 60) reminder(sentDate);
    const date = addDays(sentDate, answerDelay);
    events.push({ date: maxIso(date, events.at(-1)!.date), type: 'answered' });
    answer = { date: events.at(-1)!.date, parts: answerParts(rng, content) };
  } else if (r < 0.68 && fits(addDays(sentDate, 100))) {
    events.push({ date: addDays(sentDate, rng.int(7, 90)), type: 'closed' });
  } else if (r < 0.72 && fits(addDays(sentDate, 200))) {
    reminder(sentDate);
    events.push({ date: addDays(events.at(-1)!.date, rng.int(20, 60)), type: 'requalified' });
    relations.push({ kind: 'requalified_as', target: questionId(leg, rng.int(1, 900)), targetType: 'request_for_explanations' });
    if (rng.chance(0.5)) {
      events.push({ date: addDays(events.at(-1)!.date, rng.int(3, 30)), type: 'answered' });
      answer = { date: events.at(-1)!.date, parts: answerParts(rng, content) };
    }
  } else {
    reminder(sentDate);
    if (events.length > 1) reminder(events.at(-1)!.date);
    if (ended) events.push({ date: horizon, type: 'lapsed' });
  }
  if (rng.chance(0.01)) {
    relations.unshift({ kind: 'requalification_of', target: questionId(leg, rng.int(1, 900)), targetType: 'request_for_explanations' });
  }
  return {
    number,
    sentDate,
    deadline: PRINTS_DEADLINE(leg) ? addDays(sentDate, rng.int(30, 36)) : null,
    content,
    addressee: rng.pick(ADDRESSEES),
    events,
    relations,
    answer,
    damaged: rng.chance(0.07),
  };
}

function maxIso(a: string, b: string): string {
  return a > b ? a : b;
}

function answerParts(rng: Rng, content: Content): Record<Lang, AnswerPart[]> {
  const [y1, y2] = content.years;
  const fill = (s: string): string => s.replace(/\{y1\}/g, String(y1)).replace(/\{y2\}/g, String(y2));
  const paragraphs: Pair[] = [
    ...(rng.chance(0.4) ? [GENERIC_ANSWERS[0]!] : []),
    ...content.topic.answers,
    ...rng.sample(GENERIC_ANSWERS.slice(1), rng.int(1, 2)),
  ];
  const out: Record<Lang, AnswerPart[]> = { fr: [], nl: [] };
  for (const [l, lang] of [[0, 'fr'], [1, 'nl']] as const) {
    out[lang] = paragraphs.map((p) => ({ kind: 'p', text: fill(p[l]) }));
  }
  const extra = rng.next();
  if (extra < 0.2) {
    const values = REGIONS.map(() => [rng.int(10, 5000), rng.int(10, 5000)] as const);
    const total = values.reduce((s, [a, b]) => [s[0] + a, s[1] + b], [0, 0]);
    for (const [l, lang] of [[0, 'fr'], [1, 'nl']] as const) {
      const rows = [
        [lang === 'fr' ? 'Région' : 'Gewest', String(y1), String(y2)],
        ...REGIONS.map((reg, k) => [reg[l], String(values[k]![0]), String(values[k]![1])]),
        [lang === 'fr' ? 'Total' : 'Totaal', String(total[0]), String(total[1])],
      ];
      out[lang].splice(1, 0, { kind: 'table', rows, header: true });
    }
  } else if (extra < 0.3) {
    const counts = [rng.int(1, 900), rng.int(1, 900), rng.int(1, 900)];
    const items = {
      fr: counts.map((c, k) => `${REGIONS[k]![0]} : ${c} dossiers`),
      nl: counts.map((c, k) => `${REGIONS[k]![1]}: ${c} dossiers`),
    };
    const ordered = rng.chance(0.5);
    for (const lang of ['fr', 'nl'] as const) out[lang].splice(1, 0, { kind: 'list', ordered, items: items[lang] });
  }
  return out;
}

/** Status as the events and the answer imply it (the parser's rule, restated). */
export function deriveStatus(events: readonly ChronologyEvent[], hasAnswer: boolean): QuestionStatus {
  if (hasAnswer) return 'answered';
  const last = [...events].reverse().find((e) => e.type !== 'reminder' && e.type !== 'unknown');
  switch (last?.type) {
    case 'closed':
      return 'closed';
    case 'lapsed':
      return 'lapsed';
    case 'requalified':
      return 'requalified';
    case 'answered':
      return 'answered';
    default:
      return 'pending';
  }
}

function materialize(d: Draft, leg: number): QuestionPair {
  const id = questionId(leg, d.number);
  const page = (lang: Lang): QuestionPage => {
    const l = lang === 'fr' ? 0 : 1;
    const c = d.content;
    const events: ChronologyEvent[] = d.events.map((e) => ({ date: e.date, type: e.type, label: EVENT_LABELS[e.type][lang] }));
    const relations: Relation[] = d.relations.map((r) => ({ kind: r.kind, target: r.target, targetType: r.targetType, label: RELATION_LABELS[r.kind][lang] }));
    const answer = d.answer ? answerFromParts(d.answer.date, d.answer.parts[lang]) : null;
    const p: QuestionPage = {
      id,
      legislature: leg,
      number: d.number,
      lang,
      title: titleLine(id, lang),
      author: { name: c.senator.name, party: c.senator.party },
      sentDate: d.sentDate,
      addressee: d.addressee[l],
      subject: c.subject[lang],
      keywords: c.keywords.map((k) => k[l]),
      events,
      answerDeadline: d.deadline,
      relations,
      originalLanguage: c.senator.lang,
      questionText: c.questionText[lang],
      answer,
      status: deriveStatus(events, answer !== null),
      repairs: 0,
      unknownLabels: [],
    };
    if (lang === 'nl' && d.damaged) p.repairs = cleanRepairCount(p);
    return p;
  };
  return { fr: page('fr'), nl: page('nl') };
}
