/**
 * The Senate's URL scheme for question pages, and its spellings seen in the wild
 * (with or without the leading `/` in MIval, http or https, senate.be, www.senate.be,
 * www.senaat.be). Every question is canonicalised to `{leg}-{nr}` + language.
 */
import type { Lang } from './question-record.ts';

export type PageVariant = 'SchriftelijkeVraag' | 'SVPrint' | 'SVPrintNLFR';

export interface QuestionRef {
  id: string;
  legislature: number;
  number: number;
  lang: Lang;
  variant: PageVariant;
}

const ID_RE = /^([1-9]\d?)-([1-9]\d{0,5})$/;

/** Parses `5-8905`; returns null when it is not a question id. */
export function parseQuestionId(id: string): { legislature: number; number: number } | null {
  const m = ID_RE.exec(id.trim());
  if (!m) return null;
  return { legislature: Number(m[1]), number: Number(m[2]) };
}

export function questionId(legislature: number, number: number): string {
  return `${legislature}-${number}`;
}

/** The URL of one question page. `base` is the Senate's origin (SENATE_BASE_URL). */
export function questionUrl(base: string, id: string, lang: Lang, variant: PageVariant = 'SchriftelijkeVraag'): string {
  const parsed = parseQuestionId(id);
  if (!parsed) throw new Error(`not a question id: ${JSON.stringify(id)}`);
  const origin = base.replace(/\/+$/, '');
  return `${origin}/www/?MIval=/Vragen/${variant}&LEG=${parsed.legislature}&NR=${parsed.number}&LANG=${lang}`;
}

const HOSTS = /^(?:www\.)?(?:senate|senaat)\.be$/i;

/**
 * Recognises a question page URL in any of its spellings. A relative href is resolved
 * against `base` first. Hosts other than the Senate's are accepted only when they are
 * `base`'s own host (the fake Senate in tests).
 */
export function parseQuestionUrl(href: string, base?: string): QuestionRef | null {
  let url: URL;
  try {
    url = base ? new URL(href.trim(), base) : new URL(href.trim());
  } catch {
    return null;
  }
  const baseHost = base ? safeHost(base) : null;
  if (!HOSTS.test(url.hostname) && url.host !== baseHost) return null;
  // MIval's value holds a '/', so read the raw query rather than trusting every encoder.
  const params = new URLSearchParams(url.search.replace(/&amp;/gi, '&'));
  const mival = get(params, 'MIval');
  if (!mival) return null;
  const vm = /^\/?Vragen\/(SchriftelijkeVraag|SVPrint|SVPrintNLFR)$/i.exec(mival);
  if (!vm) return null;
  const leg = get(params, 'LEG');
  const nr = get(params, 'NR');
  const lang = get(params, 'LANG')?.toLowerCase();
  if (!leg || !nr || !/^\d{1,2}$/.test(leg) || !/^\d{1,6}$/.test(nr)) return null;
  if (lang !== 'fr' && lang !== 'nl') return null;
  const legislature = Number(leg);
  const number = Number(nr);
  if (legislature < 1 || number < 1) return null;
  const variant = (['SchriftelijkeVraag', 'SVPrint', 'SVPrintNLFR'] as const).find((v) => v.toLowerCase() === vm[1]!.toLowerCase())!;
  return { id: questionId(legislature, number), legislature, number, lang, variant };
}

function get(params: URLSearchParams, name: string): string | undefined {
  for (const [k, v] of params) if (k.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
}

function safeHost(base: string): string | null {
  try {
    return new URL(base).host;
  } catch {
    return null;
  }
}
