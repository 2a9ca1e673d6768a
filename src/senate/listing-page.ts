/**
 * A listing page → the question pages it links to and the other listing pages it links to.
 * No listing page is in our material (docs/anatomy.md), so nothing here depends on layout: any
 * anchor whose href is a question URL (every spelling, see urls.ts) is a question; an anchor
 * to the same path with another page/offset parameter, or labelled like pagination
 * (`Volgende`, `Suivante`, `>`, a number), is another listing page.
 */
import { load } from 'cheerio/slim';
import type { Lang } from './question-record.ts';
import { parseQuestionUrl } from './urls.ts';

export interface ListingPage {
  questions: { id: string; lang: Lang; url: string }[];
  pages: string[];
}

const PAGE_PARAMS = new Set(['page', 'pagina', 'p', 'pg', 'offset', 'start', 'from', 'skip', 'debut', 'begin', 'van', 'pos', 'startrow', 'firstrow']);
const PAGINATION_TEXT = /^(?:volgende|vorige|suivante?|précédente?|next|prev(?:ious)?|>{1,2}|<{1,2}|»|«|›|‹|\d{1,4}|\[\d{1,4}\])$/i;

function resolve(href: string, base: string): URL | null {
  try {
    return new URL(href.trim().replace(/&amp;/gi, '&'), base);
  } catch {
    return null;
  }
}

function paramsOf(url: URL): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of url.searchParams) m.set(k.toLowerCase(), v);
  return m;
}

/** Same page of the site with only paging parameters changed. */
function isOtherPageOf(candidate: URL, page: URL): boolean {
  if (candidate.host !== page.host || candidate.pathname !== page.pathname) return false;
  const a = paramsOf(candidate);
  const b = paramsOf(page);
  let pagingChanged = false;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(key) === b.get(key)) continue;
    if (!PAGE_PARAMS.has(key)) return false;
    pagingChanged = true;
  }
  return pagingChanged;
}

/** Same host, path and (when the site routes by it) the same `MIval` document. */
function sameDocument(a: URL, b: URL): boolean {
  if (a.host !== b.host || a.pathname !== b.pathname) return false;
  const ma = paramsOf(a).get('mival');
  const mb = paramsOf(b).get('mival');
  return (ma ?? '').replace(/^\//, '').toLowerCase() === (mb ?? '').replace(/^\//, '').toLowerCase();
}

export function parseListingPage(html: string, pageUrl: string): ListingPage {
  // A DOM query is the clearest way to say "every link and its text"; a listing is read once per page of the index, never on the hot path.
  const $ = load(html);
  const anchors = $('a[href]')
    .toArray()
    .flatMap((el) => {
      const href = $(el).attr('href');
      return href ? [{ href, text: $(el).text() }] : [];
    });

  const page = resolve(pageUrl, pageUrl);
  const questions: ListingPage['questions'] = [];
  const seenQ = new Set<string>();
  const pages: string[] = [];
  const seenP = new Set<string>(page ? [page.href] : []);
  for (const a of anchors) {
    const ref = parseQuestionUrl(a.href.replace(/&amp;/gi, '&'), pageUrl);
    if (ref) {
      const key = `${ref.id}|${ref.lang}`;
      if (seenQ.has(key)) continue;
      seenQ.add(key);
      questions.push({ id: ref.id, lang: ref.lang, url: resolve(a.href, pageUrl)?.href ?? a.href });
      continue;
    }
    if (!page) continue;
    const url = resolve(a.href, pageUrl);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) continue;
    url.hash = '';
    const text = a.text.replace(/[\s\u00a0]+/g, ' ').trim();
    const paging = isOtherPageOf(url, page) || (PAGINATION_TEXT.test(text) && sameDocument(url, page) && url.search !== page.search);
    if (paging && !seenP.has(url.href)) {
      seenP.add(url.href);
      pages.push(url.href);
    }
  }
  return { questions, pages };
}
