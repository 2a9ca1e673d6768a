/**
 * The quality judge: good data is never replaced by worse data. A page that parses may still
 * be worse than what is stored (a lying charset read as U+FFFD, a page cut short that closes
 * its tags and so reads as a question with less in it): compared with the stored record, it
 * is stored, or held back with its reasons (it stays in the raw archive; the caller neither
 * stores it nor saves its validators, so the next run asks for it again). Also tells what a
 * body that is not a question page is (a challenge, a binary document), for the reports.
 * Pure: no I/O, no clock.
 */
import type { BilingualQuestion, Lang, QuestionPage, QuestionTexts } from './question-record.ts';

const REPLACEMENT = /\uFFFD/g;

/** A body text is "much shorter" below this share of the stored one (when the page's frame is unchanged). */
const MUCH_SHORTER = 0.5;
/** Texts shorter than this are too small to judge by their length. */
const MIN_JUDGED_LENGTH = 200;

export interface PageVerdict {
  store: boolean;
  /** Why it is held back (empty when stored), e.g. `answer lost (stored: 1,234 chars)`. */
  reasons: string[];
}

export interface JudgeOptions {
  /**
   * The page was parsed from the same archived response as the stored text (a reparse): only
   * replacement characters are judged, since a newer parser may rightly read less or other.
   */
  sameSource?: boolean;
}

export interface StorePlan {
  /** The pages to store (null: keep what is stored for that language). */
  pages: Record<Lang, QuestionPage | null>;
  /** The pages held back, with their reasons. */
  heldBack: Partial<Record<Lang, string[]>>;
}

function replacements(values: readonly (string | null | undefined)[]): number {
  let n = 0;
  for (const v of values) n += v?.match(REPLACEMENT)?.length ?? 0;
  return n;
}

function textValues(t: Pick<QuestionTexts, 'title' | 'addressee' | 'subject' | 'keywords' | 'questionText' | 'answer'>): (string | null)[] {
  return [t.title, t.addressee, t.subject, ...t.keywords, t.questionText, t.answer?.text ?? null, t.answer?.html ?? null];
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
const present = (s: string | null | undefined): boolean => typeof s === 'string' && s.trim() !== '';

/** Why `now` reads as a cut-short copy of `before`, or null. */
function shortened(field: string, now: string, before: string, sameFrame: boolean): string | null {
  const a = squash(now);
  const b = squash(before);
  if (a.length >= b.length) return null;
  if (b.startsWith(a)) return `${field} is cut short (${a.length} < ${b.length} chars, the stored text goes on)`;
  if (sameFrame && b.length >= MIN_JUDGED_LENGTH && a.length < b.length * MUCH_SHORTER) return `${field} is much shorter (${a.length} < ${b.length} chars)`;
  return null;
}

/**
 * Judges one language's new page against the stored record. Held back when it has more
 * replacement characters than the stored text, when it lost its question text or answer, or
 * two or more of its small fields (subject, addressee, keywords, author) at once, or when its question or
 * answer text is a cut-short copy of the stored one (or much shorter on an unchanged frame).
 * Nothing stored, or nothing stored in that language: stored.
 */
export function judgePage(page: QuestionPage, stored: BilingualQuestion | null, opts: JudgeOptions = {}): PageVerdict {
  const before = stored?.texts[page.lang];
  if (!stored || !before) return { store: true, reasons: [] };
  const reasons: string[] = [];
  const newBad = replacements(textValues(page));
  const oldBad = replacements(textValues(before));
  if (newBad > oldBad) reasons.push(`${newBad} replacement character(s) (U+FFFD) where the stored text has ${oldBad}`);
  // The very bytes the stored text was read from: what the parser now reads from them is its call.
  if (opts.sameSource) return { store: reasons.length === 0, reasons };

  // A text lost (question, answer) is what a page cut short looks like: held back. One small
  // field gone alone (subject, addressee, keywords, author) is the Senate's page as it is now:
  // stored, the stored value kept and a source_field_missing change recorded (store/history.ts).
  // Two or more lost at once: damage again.
  const small: string[] = [];
  const lost = (field: string, had: boolean, has: boolean, big: boolean) => {
    if (had && !has) (big ? reasons : small).push(`${field} lost`);
  };
  lost('subject', present(before.subject), present(page.subject), false);
  lost('addressee', present(before.addressee), present(page.addressee), false);
  lost('keywords', before.keywords.length > 0, page.keywords.length > 0, false);
  lost('question text', present(before.questionText), present(page.questionText), true);
  lost('answer', before.answer !== null && present(before.answer.text), page.answer !== null && present(page.answer.text), true);
  lost('author', present(stored.author.name), present(page.author.name), false);
  if (small.length > 1 || (small.length > 0 && reasons.length > 0)) reasons.push(...small);

  const sameFrame = page.title === before.title && page.subject === before.subject && page.addressee === before.addressee;
  const q = present(page.questionText) ? shortened('question text', page.questionText, before.questionText, sameFrame) : null;
  if (q) reasons.push(q);
  const a = page.answer && before.answer && present(page.answer.text) ? shortened('answer', page.answer.text, before.answer.text, sameFrame) : null;
  if (a) reasons.push(a);
  return { store: reasons.length === 0, reasons };
}

/** Which of the new pages to store, judged against the stored record (null: not stored yet). */
export function planStore(
  pages: Partial<Record<Lang, QuestionPage | null>>,
  stored: BilingualQuestion | null,
  opts: Partial<Record<Lang, JudgeOptions>> = {},
): StorePlan {
  const plan: StorePlan = { pages: { fr: pages.fr ?? null, nl: pages.nl ?? null }, heldBack: {} };
  for (const lang of Object.keys(pages) as Lang[]) {
    const page = pages[lang];
    if (!page) continue;
    const verdict = judgePage(page, stored, opts[lang]);
    if (verdict.store) continue;
    plan.pages[lang] = null;
    plan.heldBack[lang] = verdict.reasons;
  }
  return plan;
}

const CHALLENGE = /Just a moment\.\.\.|Checking your browser|challenge-platform|__cf_chl|cf-chl|Attention Required! \| Cloudflare|captcha/i;
const HTML_TYPE = /^\s*(?:text\/html|application\/xhtml\+xml|text\/plain)\b/i;

/**
 * What a body that the parser refused is, when it is not a page of the Senate at all:
 * `a browser challenge page`, `not HTML (application/pdf)`, `binary data`; null for an
 * HTML page (an error page, a template, a page cut short: the parser's reason says which).
 */
export function describeNonPage(body: Buffer, contentType: string | null | undefined): string | null {
  const head = body.subarray(0, 4096);
  const text = head.toString('latin1');
  if (CHALLENGE.test(text)) return 'a browser challenge page';
  if (contentType && !HTML_TYPE.test(contentType)) return `not HTML (${contentType.split(';')[0]!.trim()})`;
  if (text.startsWith('%PDF') || (head[0] === 0x1f && head[1] === 0x8b)) return 'binary data (a PDF or gzip stream), not HTML';
  let controls = 0;
  for (const b of head) if (b < 0x09 || (b > 0x0d && b < 0x20)) controls++;
  if (head.length > 0 && controls / head.length > 0.02) return 'binary data, not HTML';
  return null;
}
