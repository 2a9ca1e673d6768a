/**
 * Listing pages of written questions per legislature (no real one is known: docs/anatomy.md).
 * Newest first, one anchor per question, in a mix of URL spellings (relative, root-relative,
 * absolute, with and without the `/` in MIval, lower-case parameters), and pagination links
 * by page number plus `Suivante`/`Volgende`.
 */
import type { Lang } from '../../src/senate/question-record.ts';
import { escapeHtml } from './markup.ts';

export interface ListingEntry {
  legislature: number;
  number: number;
  subject: string | null;
}

export interface ListingRequest {
  legislature: number;
  lang: Lang;
  /** 1-based. */
  page: number;
  pageSize: number;
  /** The server's origin, for absolute links. */
  origin: string;
}

/** The listing URL, path and query; the crawler's default LISTING_URL_TEMPLATE has this shape. */
export function listingPath(legislature: number, lang: Lang, page: number): string {
  return `/www/?MIval=/Vragen/SVListe&LEG=${legislature}&LANG=${lang}&PAGE=${page}`;
}

/** A question link in one of the spellings seen in the wild, chosen by number so it is stable. */
export function questionHref(e: ListingEntry, lang: Lang, origin: string): string {
  const q = `LEG=${e.legislature}&NR=${e.number}&LANG=${lang}`;
  switch (e.number % 5) {
    case 0:
      return `/www/?MIval=/Vragen/SchriftelijkeVraag&${q}`;
    case 1:
      return `?MIval=Vragen/SchriftelijkeVraag&${q}`; // relative to /www/
    case 2:
      return `${origin}/www/?MIval=/Vragen/SchriftelijkeVraag&${q}`;
    case 3:
      return `/www/?MIval=Vragen/SchriftelijkeVraag&leg=${e.legislature}&nr=${e.number}&lang=${lang.toUpperCase()}`;
    default:
      return `${origin}/www/?MIval=Vragen/SchriftelijkeVraag&${q}`;
  }
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** `entries` must already be newest first; this cuts the requested page out of them. */
export function renderListing(entries: readonly ListingEntry[], req: ListingRequest): string {
  const fr = req.lang === 'fr';
  const pages = pageCount(entries.length, req.pageSize);
  const slice = entries.slice((req.page - 1) * req.pageSize, req.page * req.pageSize);
  const rows = slice
    .map((e) => {
      const href = escapeHtml(questionHref(e, req.lang, req.origin));
      const id = `${e.legislature}-${e.number}`;
      return `<TR><TD><A HREF="${href}">${id}</A></TD><TD>${escapeHtml(e.subject ?? '')}</TD></TR>`;
    })
    .join('\n');
  const link = (p: number, text: string): string => `<A HREF="${escapeHtml(listingPath(req.legislature, req.lang, p))}">${text}</A>`;
  const numbers: string[] = [];
  for (let p = 1; p <= pages; p++) {
    // First, last and a window around the current page, as paginators of the era did.
    if (p === 1 || p === pages || Math.abs(p - req.page) <= 3) numbers.push(p === req.page ? `<B>${p}</B>` : link(p, String(p)));
    else if (numbers.at(-1) !== '...') numbers.push('...');
  }
  const prev = req.page > 1 ? link(req.page - 1, fr ? '&lt; Précédente' : '&lt; Vorige') : '';
  const next = req.page < pages ? link(req.page + 1, fr ? 'Suivante &gt;' : 'Volgende &gt;') : '';
  const heading = fr ? `Questions écrites - Législature ${req.legislature}` : `Schriftelijke vragen - Zittingsperiode ${req.legislature}`;
  return `<HTML lang="${req.lang}"><HEAD><TITLE>${escapeHtml(heading)}</TITLE></HEAD>
<BODY>
<H2>${escapeHtml(heading)}</H2>
<P>${fr ? 'Page' : 'Pagina'} ${req.page} / ${pages}</P>
<TABLE border=0>
${rows}
</TABLE>
<P>${[prev, ...numbers, next].filter((s) => s !== '').join(' ')}</P>
</BODY></HTML>`;
}
