/**
 * One Senate question page (SchriftelijkeVraag, SVPrint or SVPrintNLFR) → a typed record.
 * Fields are found by their text labels and their order, never by class names or ids, so
 * the parser reads the page whatever its markup. A page that is not a question (no title,
 * error text, cut short, another number) is refused with a reason, never half-read.
 * Pure: no I/O, no clock, no globals.
 */
import type { Answer, Author, Lang, NotAQuestionReason, ParseResult, QuestionPage } from './question-record.ts';
import { decodeBody } from '../text/charset.ts';
import { htmlToBlocks, type HtmlBlock, type HtmlTable } from './html-blocks.ts';
import { parseWrittenDate } from './dates.ts';
import { repairText, stripControlCharacters } from './repair.ts';
import { DEADLINE_RE } from './labels.ts';
import { parseQuestionId } from './urls.ts';
import { collectItems, renderItems, type BodyItem } from './page-body.ts';
import { languageScore, splitFrNl, splitMergedSubject } from './language.ts';
import { readChronology, statusOf } from './chronology.ts';
import {
  ADDRESSEE, ANSWER_HEAD, AUTHOR, CHRONO, DOCUMENT_LINK, ERROR_WORDS, EVENT_START, HEADER_DATE, QHEAD,
  RELATION_TEST, RULE, TEMPLATE_WORDS, TITLE_G, TITLE_START,
} from './page-patterns.ts';

/** Bump on any change of behaviour: stored records remember the version that read them. */
export const PARSER_VERSION = '1.1.0';

export interface ParseQuestionInput {
  /** The body as fetched (bytes) or already decoded. */
  body: Buffer | string;
  /** The HTTP Content-Type, if any: its charset wins over the document's. */
  contentType?: string | null;
  /** The requested language: picks the language of a bilingual print. */
  lang: Lang;
  /** `{leg}-{nr}` the page was fetched for: a page titled with another number is refused. */
  expectedId?: string;
}

class Repairs {
  count = 0;
  fix(text: string): string {
    const r = repairText(text);
    this.count += r.count;
    return r.text;
  }
  /** Repairs HTML without counting (its text was counted already). */
  fixQuiet(text: string): string {
    return repairText(text).text;
  }
}

function fail(reason: NotAQuestionReason, message: string): ParseResult {
  return { ok: false, reason, message };
}

/** Parses one question page. Never throws on page content; returns `{ ok: false }` instead. */
export function parseQuestionPage(input: ParseQuestionInput): ParseResult {
  const decoded = decodeBody(input.body, input.contentType);
  // NULs and other control characters are damage (PostgreSQL cannot even store a NUL): removed, and counted as repairs.
  const { text: html, count: controls } = stripControlCharacters(decoded.text);
  if (html.trim() === '') return fail('empty', 'the page is empty (no body)');
  const doc = htmlToBlocks(html);
  const blocks = doc.blocks;

  // The title is text, not a link; a title inside a link is accepted only when no other exists.
  const isTitle = (b: HtmlBlock): boolean => TITLE_START.test(b.text) && !QHEAD.test(b.text);
  let titleIdx = blocks.findIndex((b) => !b.linkOnly && isTitle(b));
  if (titleIdx < 0) titleIdx = blocks.findIndex(isTitle);
  if (titleIdx < 0) return classifyNoTitle(blocks, doc.complete);

  // Titles: one block, or (bilingual print in two cells) the title block and the next one.
  const titles = titleMatches(blocks[titleIdx]!.text);
  let after = titleIdx + 1;
  const nextBlock = blocks[after];
  if (nextBlock && TITLE_START.test(nextBlock.text) && !QHEAD.test(nextBlock.text)) {
    titles.push(...titleMatches(nextBlock.text));
    after++;
  }
  const ids = new Set(titles.map((t) => t.id));
  const id = titles[0]!.id;
  if (ids.size > 1) return fail('no_title', `the page's titles disagree: ${[...ids].join(', ')}`);
  const parsedId = parseQuestionId(id);
  if (!parsedId) return fail('no_title', `the title holds no valid question number: ${JSON.stringify(blocks[titleIdx]!.text)}`);
  if (input.expectedId !== undefined && input.expectedId !== id) {
    return fail('wrong_number', `the page is question ${id}, not the expected ${input.expectedId}`);
  }
  if (!doc.complete) return fail('truncated', `question ${id}: the page is cut short (the document is not closed)`);

  const bilingual = titles.some((t) => t.lang === 'fr') && titles.some((t) => t.lang === 'nl');
  const lang: Lang = bilingual ? input.lang : titles[0]!.lang;
  const title = (titles.find((t) => t.lang === lang) ?? titles[0]!).title;

  let qIdx = -1;
  for (let i = after; i < blocks.length; i++) if (QHEAD.test(blocks[i]!.text)) { qIdx = i; break; }
  if (qIdx < 0) return fail('truncated', `question ${id}: the page has no question heading ("Vraag nr. … d.d. …" / "Question n° … du …")`);
  let aIdx = -1;
  for (let i = qIdx + 1; i < blocks.length; i++) if (ANSWER_HEAD.test(blocks[i]!.text)) { aIdx = i; break; }
  const end = contentEnd(blocks, titleIdx, aIdx >= 0 ? aIdx : qIdx);

  const repairs = new Repairs();
  repairs.count += controls;
  const unknownLabels: string[] = [];
  const header = readHeader(blocks, after, qIdx, bilingual, lang, repairs);
  const chrono = readChronology(blocks, header.next, qIdx, bilingual, unknownLabels);

  const qHead = QHEAD.exec(blocks[qIdx]!.text)!;
  const headingDate = parseWrittenDate(qHead[2]!);
  const originalLanguage = originalLanguageOf(blocks[qIdx]!.text);

  let qStart = qIdx + 1;
  while (qStart < blocks.length && QHEAD.test(blocks[qStart]!.text)) qStart++;
  const qEnd = trimTrailingLinks(blocks, qStart, aIdx >= 0 ? aIdx : end);
  let qItems = collectItems(blocks, qStart, qEnd, doc.tables, bilingual ? notColumns : undefined);
  if (bilingual) qItems = pickLanguage(qItems, lang);
  const questionText = repairs.fix(renderItems(qItems).text);

  let answer: Answer | null = null;
  if (aIdx >= 0) {
    const m = ANSWER_HEAD.exec(blocks[aIdx]!.text)!;
    let aStart = aIdx + 1;
    while (aStart < blocks.length && ANSWER_HEAD.test(blocks[aStart]!.text)) aStart++;
    const aEnd = trimTrailingLinks(blocks, aStart, end);
    let aItems = collectItems(blocks, aStart, aEnd, doc.tables, bilingual ? notColumns : undefined);
    if (bilingual) aItems = pickLanguage(aItems, lang);
    const body = renderItems(aItems);
    const answeredEvent = chrono.events.find((e) => e.type === 'answered');
    answer = {
      date: (m[1] ? parseWrittenDate(m[1]) : null) ?? answeredEvent?.date ?? null,
      text: repairs.fix(body.text),
      html: repairs.fixQuiet(body.html),
    };
  }

  const sentEvent = chrono.events.find((e) => e.type === 'sent');
  const page: QuestionPage = {
    id,
    legislature: parsedId.legislature,
    number: parsedId.number,
    lang,
    title,
    author: header.author,
    sentDate: header.authorDate ?? headingDate ?? headerDate(blocks, titleIdx) ?? sentEvent?.date ?? null,
    addressee: header.addressee,
    subject: header.subject,
    keywords: header.keywords,
    events: chrono.events,
    answerDeadline: chrono.deadline,
    relations: chrono.relations,
    originalLanguage,
    questionText,
    answer,
    status: statusOf(chrono.events, answer !== null),
    repairs: repairs.count,
    unknownLabels,
  };
  const warnings: string[] = [];
  if (decoded.fallbackFrom) {
    const from = decoded.fallbackFrom;
    warnings.push(`decoded as ${decoded.charset}: the ${from.source}'s ${from.charset} read the page with replacement characters`);
  }
  if (controls > 0) warnings.push(`removed ${controls} control character(s) (NUL, &#0;)`);
  return { ok: true, page, warnings };
}

/** In the bilingual print a one-row, two-cell table is the French | Dutch columns, not data. */
function notColumns(t: HtmlTable): boolean {
  return !(t.rows.length === 1 && t.rows[0]!.cells.length === 2);
}

function titleMatches(text: string): { id: string; lang: Lang; title: string }[] {
  const out: { id: string; lang: Lang; title: string }[] = [];
  for (const m of text.matchAll(TITLE_G)) {
    const nl = /^schriftelijke/i.test(m[1]!);
    const idText = `${m[2]}-${m[3]}`;
    out.push({ id: idText, lang: nl ? 'nl' : 'fr', title: `${nl ? 'Schriftelijke vraag nr.' : 'Question écrite n°'} ${idText}` });
  }
  return out;
}

function classifyNoTitle(blocks: readonly HtmlBlock[], complete: boolean): ParseResult {
  const content = blocks.filter((b) => !b.linkOnly && !RULE.test(b.text));
  if (!complete && content.length > 0) return fail('truncated', 'the page is cut short before any question title');
  const text = content.map((b) => b.text).join('\n');
  if (ERROR_WORDS.test(text)) return fail('error_page', `the page is an error page: ${JSON.stringify(text.slice(0, 120))}`);
  if (content.length === 0 || content.some((b) => TEMPLATE_WORDS.test(b.text))) {
    return fail('empty', 'the page is an empty template: no question title, no number');
  }
  return fail('no_title', 'the page has no question title ("Schriftelijke vraag nr. …" / "Question écrite n° …")');
}

/**
 * Last block of the page's content: the deepest element holding both the title and the
 * last heading bounds it, so navigation and footers outside it are not read as the answer.
 */
function contentEnd(blocks: readonly HtmlBlock[], titleIdx: number, lastHeadIdx: number): number {
  const a = blocks[titleIdx]!.path;
  const b = blocks[lastHeadIdx]!.path;
  let depth = 0;
  while (depth < a.length && depth < b.length && a[depth] === b[depth]) depth++;
  if (depth === 0) return blocks.length;
  const container = a[depth - 1]!;
  let end = lastHeadIdx + 1;
  while (end < blocks.length && blocks[end]!.path[depth - 1] === container) end++;
  return end;
}

/**
 * Drops navigation left at the end of a body (link-only lines such as "Naar boven"). A link
 * that is an address or a document (an annex, a URL) is content and stays.
 */
function trimTrailingLinks(blocks: readonly HtmlBlock[], from: number, to: number): number {
  let end = to;
  while (end > from) {
    const b = blocks[end - 1]!;
    if (RULE.test(b.text) || (b.linkOnly && !DOCUMENT_LINK.test(b.text))) end--;
    else break;
  }
  return end;
}

interface Header {
  author: Author;
  authorDate: string | null;
  addressee: string | null;
  subject: string | null;
  keywords: string[];
  next: number;
}

function isStop(text: string): boolean {
  return RULE.test(text) || CHRONO.test(text) || EVENT_START.test(text) || DEADLINE_RE.test(text) || RELATION_TEST.test(text) || QHEAD.test(text);
}

function readHeader(blocks: readonly HtmlBlock[], from: number, qIdx: number, bilingual: boolean, lang: Lang, repairs: Repairs): Header {
  let i = from;
  const skipRules = (): void => {
    while (i < qIdx && RULE.test(blocks[i]!.text)) i++;
  };
  skipRules();
  const authors: RegExpExecArray[] = [];
  while (i < qIdx && authors.length < 2) {
    const m = AUTHOR.exec(blocks[i]!.text);
    if (!m || ADDRESSEE.test(blocks[i]!.text)) break;
    authors.push(m);
    i++;
  }
  skipRules();
  const addressees: string[] = [];
  while (i < qIdx && addressees.length < 2 && ADDRESSEE.test(blocks[i]!.text)) addressees.push(blocks[i++]!.text);
  const ruled = i < qIdx && RULE.test(blocks[i]!.text);
  skipRules();

  // Subject: one block, or up to the next rule in the print versions (two cells when bilingual).
  const subjectBlocks: string[] = [];
  if (i < qIdx && !isStop(blocks[i]!.text)) subjectBlocks.push(blocks[i++]!.text);
  if (bilingual && ruled && i < qIdx && !isStop(blocks[i]!.text) && i + 1 < qIdx && RULE.test(blocks[i + 1]!.text)) {
    subjectBlocks.push(blocks[i++]!.text);
  }
  skipRules();
  const keywords: string[] = [];
  while (i < qIdx && !isStop(blocks[i]!.text)) keywords.push(blocks[i++]!.text);

  let author = authors[0];
  let addressee = addressees[0] ?? null;
  let subject = subjectBlocks.join(' ') || null;
  let kw = keywords;
  if (bilingual) {
    const nlAuthor = authors.find((m) => m[1] === 'van') ?? authors[1];
    const frAuthor = authors.find((m) => m[1] !== 'van') ?? authors[0];
    author = lang === 'nl' ? (nlAuthor ?? frAuthor) : (frAuthor ?? nlAuthor);
    addressee = addressees.find((a) => (lang === 'nl' ? /^aan\s/i.test(a) : !/^aan\s/i.test(a))) ?? addressee;
    if (subjectBlocks.length >= 2) subject = lang === 'fr' ? subjectBlocks[0]! : subjectBlocks[1]!;
    else if (subject) {
      const split = splitMergedSubject(subject);
      if (split) subject = split[lang];
    }
    kw = splitKeywords(keywords)[lang];
  }
  return {
    author: { name: repairs.fix(author?.[2]?.trim() ?? ''), party: author?.[3]?.trim() ?? null },
    authorDate: author?.[4] ? parseWrittenDate(author[4]) : null,
    addressee: addressee === null ? null : repairs.fix(addressee),
    subject: subject === null ? null : repairs.fix(subject),
    keywords: kw.map((k) => repairs.fix(k)),
    next: i,
  };
}

/** The bilingual print lists the French descriptors, then their Dutch translations. */
function splitKeywords(keywords: readonly string[]): { fr: string[]; nl: string[] } {
  let k: number;
  if (keywords.length % 2 === 0) k = keywords.length / 2;
  else k = splitFrNl(keywords.map(languageScore), keywords.map((w) => w.length));
  return { fr: keywords.slice(0, k), nl: keywords.slice(k) };
}

function pickLanguage(items: BodyItem[], lang: Lang): BodyItem[] {
  const scores = items.map((it) => languageScore(it.kind === 'p' ? it.text : it.kind === 'list' ? it.items.map((x) => x.text).join(' ') : it.rows.flat().join(' ')));
  const lengths = items.map((it) => (it.kind === 'p' ? it.text.length : it.kind === 'list' ? it.items.reduce((a, x) => a + x.text.length, 0) : it.rows.flat().join(' ').length));
  const k = splitFrNl(scores, lengths);
  return lang === 'fr' ? items.slice(0, k) : items.slice(k);
}

function originalLanguageOf(text: string): Lang | null {
  const m = /\((?:Question posée en (français|néerlandais)|Vraag gesteld in het (Nederlands|Frans))\)/i.exec(text);
  if (!m) return null;
  const word = (m[1] ?? m[2]!).toLowerCase();
  return word === 'français' || word === 'frans' ? 'fr' : 'nl';
}

/** The print versions' header date, just above the title. */
function headerDate(blocks: readonly HtmlBlock[], titleIdx: number): string | null {
  for (let i = titleIdx - 1; i >= Math.max(0, titleIdx - 3); i--) {
    const m = HEADER_DATE.exec(blocks[i]!.text);
    if (m) return parseWrittenDate(m[1]!);
  }
  return null;
}
