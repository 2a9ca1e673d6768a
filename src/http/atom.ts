/**
 * Atom 1.0 (RFC 4287) documents from events: one entry per event, its id the event's stable id
 * as a URN, so a reader that saw an entry never sees it as new again. Text from the Senate is
 * escaped, and characters XML cannot carry are dropped.
 */

export interface AtomEntry {
  /** An IRI that never changes for this entry. */
  id: string;
  title: string;
  updated: Date;
  /** Where the entry's subject is read (absolute URL). */
  link?: string | undefined;
  summary?: string | undefined;
  author?: string | undefined;
  categories?: readonly string[] | undefined;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle?: string | undefined;
  /** The feed's own URL (absolute). */
  self: string;
  /** The newest entry's time; a feed without entries gives its own. */
  updated: Date;
  entries: readonly AtomEntry[];
}

// XML 1.0 Char production: no C0 controls but tab, LF, CR; no lone surrogates, no U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe inside an element or a double-quoted attribute. */
export function xmlEscape(s: string): string {
  return s.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const el = (name: string, text: string, attrs = '') => `<${name}${attrs}>${xmlEscape(text)}</${name}>`;

export function atomDocument(feed: AtomFeed): string {
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  ${el('id', feed.id)}`,
    `  ${el('title', feed.title)}`,
    ...(feed.subtitle ? [`  ${el('subtitle', feed.subtitle)}`] : []),
    `  <link rel="self" type="application/atom+xml" href="${xmlEscape(feed.self)}"/>`,
    `  ${el('updated', feed.updated.toISOString())}`,
    // Atom wants an author on the feed when an entry may have none.
    '  <author><name>senate-questions</name></author>',
    '  <generator>senate-questions</generator>',
  ];
  for (const e of feed.entries) {
    out.push(
      '  <entry>',
      `    ${el('id', e.id)}`,
      `    ${el('title', e.title)}`,
      `    ${el('updated', e.updated.toISOString())}`,
      ...(e.link ? [`    <link rel="alternate" href="${xmlEscape(e.link)}"/>`] : []),
      ...(e.author ? [`    <author>${el('name', e.author)}</author>`] : []),
      ...(e.categories ?? []).map((c) => `    <category term="${xmlEscape(c)}"/>`),
      ...(e.summary ? [`    ${el('summary', e.summary, ' type="text"')}`] : []),
      '  </entry>',
    );
  }
  out.push('</feed>', '');
  return out.join('\n');
}
