/**
 * The typed record of one Senate question page, in one language, and of the bilingual
 * question built from its two pages. These types are the contract between the parser,
 * the fake Senate, the store and the jobs: JSON names are the documented camelCase ones.
 */

export type Lang = 'fr' | 'nl';
export const LANGS: readonly Lang[] = ['fr', 'nl'];

/** Chronology event types. `unknown` keeps a label we have not seen, with its text. */
export type EventType = 'sent' | 'answered' | 'reminder' | 'closed' | 'lapsed' | 'requalified' | 'unknown';

export interface ChronologyEvent {
  /** ISO `YYYY-MM-DD`. */
  date: string;
  type: EventType;
  /** The label as printed (trimmed), e.g. `Verzending vraag`, `Rappel`. */
  label: string;
}

export type RelationKind =
  | 'also_asked_to'
  | 'reintroduced_as'
  | 'reintroduction_of'
  | 'requalified_as'
  | 'requalification_of'
  | 'unknown';

export type RelationTargetType = 'written_question' | 'request_for_explanations';

export interface Relation {
  kind: RelationKind;
  /** `{leg}-{nr}`; null when the page prints the label without a target. */
  target: string | null;
  targetType: RelationTargetType | null;
  /** The label as printed, e.g. `Heringediend als`. */
  label: string;
}

export type QuestionStatus = 'pending' | 'answered' | 'closed' | 'lapsed' | 'requalified';

export interface Answer {
  /** ISO date the answer was received, from the answer heading (or the `answered` event). */
  date: string | null;
  /** Plain text, paragraphs separated by a blank line; table rows as tab-separated lines. */
  text: string;
  /** Sanitized HTML (p, br, ul/ol/li, table/tr/th/td, b/i/em/strong only) in which tables stay tables. */
  html: string;
}

export interface Author {
  name: string;
  party: string | null;
}

/** One question page in one language, as the parser reads it. */
export interface QuestionPage {
  /** `{leg}-{nr}`, e.g. `5-8905`. */
  id: string;
  legislature: number;
  number: number;
  lang: Lang;
  /** The title line as printed, e.g. `Schriftelijke vraag nr. 5-3820`. */
  title: string;
  author: Author;
  /** ISO date sent (header date, else the `sent` event). */
  sentDate: string | null;
  addressee: string | null;
  subject: string | null;
  keywords: string[];
  events: ChronologyEvent[];
  /** Published answer deadline (ISO), or null when the page prints none. */
  answerDeadline: string | null;
  relations: Relation[];
  originalLanguage: Lang | null;
  questionText: string;
  answer: Answer | null;
  status: QuestionStatus;
  /** Number of damaged-character tokens repaired (see docs/anatomy.md). */
  repairs: number;
  /** Labels the parser did not recognise (events, relations), kept and reported. */
  unknownLabels: string[];
}

/** The per-language fields of a question (its text fields in docs/parse-output.md). */
export interface QuestionTexts {
  title: string;
  addressee: string | null;
  subject: string | null;
  keywords: string[];
  questionText: string;
  answer: Answer | null;
  repairs: number;
  unknownLabels: string[];
}

/** One question from its two pages (src/senate/bilingual.ts): shared fields, and per language its texts. */
export interface BilingualQuestion {
  id: string;
  legislature: number;
  number: number;
  author: Author;
  sentDate: string | null;
  status: QuestionStatus;
  answerDeadline: string | null;
  originalLanguage: Lang | null;
  events: ChronologyEvent[];
  relations: Relation[];
  answerDate: string | null;
  texts: Partial<Record<Lang, QuestionTexts>>;
  /** Human-readable disagreements between the two pages, e.g. `sentDate: fr 2011-11-28 ≠ nl 2011-11-29`. */
  conflicts: string[];
}

export type NotAQuestionReason =
  | 'empty'
  | 'no_title'
  | 'wrong_number'
  | 'truncated'
  | 'error_page';

export type ParseResult =
  /** `warnings`: what the parser had to work around (a decode fallback, control characters removed). */
  | { ok: true; page: QuestionPage; warnings: string[] }
  | { ok: false; reason: NotAQuestionReason; message: string };
