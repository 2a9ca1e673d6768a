/**
 * The fake Senate's ground truth: per question id, the record the parser must return for each
 * language, how the pages are served, and when each page last changed. Every change bumps a
 * version so the server's render cache can tell a stale page from a fresh one.
 */
import type { Lang, QuestionPage } from '../../src/senate/question-record.ts';
import { parseQuestionId } from '../../src/senate/urls.ts';
import { answerFromParts, partsFromText } from './answer-content.ts';
import { cleanRepairCount } from './damage.ts';
import { deriveStatus, type QuestionPair } from './generate.ts';
import { EVENT_LABELS } from './labels.ts';
import { MARKUPS, type Markup } from './markup.ts';

export interface ServingOptions {
  /** Default `table`. */
  markup: Markup;
  /** Byte encoding of the page (iconv-lite name). Default `windows-1252`. */
  encoding: string;
  /** Whether `Content-Type` names the charset. Default true. */
  charsetInHeader: boolean;
  /** Charset announced in the page's `<meta>`, or null for none. Default null. */
  metaCharset: string | null;
}

export const DEFAULT_SERVING: Readonly<ServingOptions> = {
  markup: 'table',
  encoding: 'windows-1252',
  charsetInHeader: true,
  metaCharset: null,
};

/**
 * A deterministic spread of serving options over question numbers, so that a crawl over many
 * questions meets every markup and every way of announcing the charset.
 */
export function variedServing(number: number): ServingOptions {
  const markup = MARKUPS[number % MARKUPS.length]!;
  if (number % 11 === 0) return { markup, encoding: 'windows-1252', charsetInHeader: false, metaCharset: null };
  if (number % 7 === 0) return { markup, encoding: 'windows-1252', charsetInHeader: false, metaCharset: 'windows-1252' };
  if (number % 5 === 0) return { markup, encoding: 'windows-1252', charsetInHeader: true, metaCharset: 'iso-8859-1' };
  return { markup, encoding: 'windows-1252', charsetInHeader: true, metaCharset: null };
}

export interface StoredQuestion {
  readonly id: string;
  readonly legislature: number;
  readonly number: number;
  pages: Record<Lang, QuestionPage>;
  serving: ServingOptions;
  /** Per language, ms since the epoch, whole seconds (HTTP dates have no finer grain). */
  modifiedAt: Record<Lang, number>;
  version: number;
}

export interface AnswerArrival {
  /** Which page(s) get the answer now; the other keeps showing no answer until its own call. */
  lang: Lang | 'both';
  /** ISO date of receipt. */
  date: string;
  /** Paragraphs separated by a blank line; a paragraph of tab-separated lines is a table. One text per language, or one for both. */
  text: string | Record<Lang, string>;
}

export class QuestionStore {
  readonly #questions = new Map<string, StoredQuestion>();
  #listingVersion = 0;
  readonly #defaultServing: (number: number) => ServingOptions;

  constructor(defaultServing: (number: number) => ServingOptions = () => ({ ...DEFAULT_SERVING })) {
    this.#defaultServing = defaultServing;
  }

  /** Bumped whenever a listing could change (questions added or removed, subjects corrected). */
  get listingVersion(): number {
    return this.#listingVersion;
  }

  get(id: string): StoredQuestion | undefined {
    return this.#questions.get(id);
  }

  /** Adds a question, or replaces it (a changed page) when the id exists. */
  add(pair: QuestionPair, serving?: Partial<ServingOptions>): void {
    const { id, legislature, number } = pair.fr;
    if (pair.nl.id !== id) throw new Error(`FR and NL records disagree on the id: ${id} / ${pair.nl.id}`);
    const existing = this.#questions.get(id);
    const base = existing?.serving ?? this.#defaultServing(number);
    const initial = secondsFloor(Date.now()) - 86_400_000;
    this.#questions.set(id, {
      id,
      legislature,
      number,
      pages: { fr: structuredClone(pair.fr), nl: structuredClone(pair.nl) },
      serving: { ...base, ...serving },
      modifiedAt: existing
        ? { fr: bump(existing.modifiedAt.fr), nl: bump(existing.modifiedAt.nl) }
        : { fr: initial, nl: initial },
      version: (existing?.version ?? 0) + 1,
    });
    this.#listingVersion++;
  }

  answerArrives(id: string, arrival: AnswerArrival): void {
    const q = this.#require(id);
    const langs: Lang[] = arrival.lang === 'both' ? ['fr', 'nl'] : [arrival.lang];
    for (const lang of langs) {
      const page = q.pages[lang];
      const text = typeof arrival.text === 'string' ? arrival.text : arrival.text[lang];
      page.answer = answerFromParts(arrival.date, partsFromText(text));
      if (!page.events.some((e) => e.type === 'answered')) {
        page.events.push({ date: arrival.date, type: 'answered', label: EVENT_LABELS.answered[lang] });
        page.events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
      }
      page.status = deriveStatus(page.events, true);
      this.#touch(q, lang);
    }
  }

  correctSubject(id: string, lang: Lang, subject: string): void {
    const q = this.#require(id);
    const page = q.pages[lang];
    page.subject = subject;
    if (lang === 'nl' && page.repairs > 0) page.repairs = cleanRepairCount(page);
    this.#touch(q, lang);
    this.#listingVersion++;
  }

  remove(id: string): void {
    this.#require(id);
    this.#questions.delete(id);
    this.#listingVersion++;
  }

  setServing(target: string, serving: Partial<ServingOptions>): void {
    const targets = target === '*' ? [...this.#questions.values()] : [this.#require(target)];
    for (const q of targets) {
      q.serving = { ...q.serving, ...serving };
      q.version++;
    }
  }

  groundTruth(id: string): QuestionPair | null {
    const q = this.#questions.get(id);
    return q ? { fr: structuredClone(q.pages.fr), nl: structuredClone(q.pages.nl) } : null;
  }

  /** Ids in store order: by legislature, then number. */
  ids(): string[] {
    return [...this.#questions.values()]
      .sort((a, b) => a.legislature - b.legislature || a.number - b.number)
      .map((q) => q.id);
  }

  /** Questions of one legislature, newest (highest number) first. */
  listing(legislature: number): StoredQuestion[] {
    return [...this.#questions.values()].filter((q) => q.legislature === legislature).sort((a, b) => b.number - a.number);
  }

  #require(id: string): StoredQuestion {
    if (!parseQuestionId(id)) throw new Error(`not a question id: ${JSON.stringify(id)}`);
    const q = this.#questions.get(id);
    if (!q) throw new Error(`no question ${id} in the fake Senate`);
    return q;
  }

  #touch(q: StoredQuestion, lang: Lang): void {
    q.modifiedAt[lang] = bump(q.modifiedAt[lang]);
    q.version++;
  }
}

function secondsFloor(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** A new modification time: now, but always at least a second after the previous one, so If-Modified-Since can see it. */
function bump(previous: number): number {
  return Math.max(secondsFloor(Date.now()), previous + 1000);
}
