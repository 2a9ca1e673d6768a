/**
 * TEMPORARY stand-in for `markup.ts` (owned by the parser engineer) with the agreed API, so
 * the fake Senate can be built and tested before it lands. Delete once markup.ts exists.
 */
import iconv from 'iconv-lite';
import type { Lang } from '../../src/senate/question-record.ts';

export type Markup = 'table' | 'div' | 'br';
export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'event'; date: string; label: string }
  | { kind: 'table'; rows: string[][]; header?: boolean }
  | { kind: 'list'; ordered: boolean; items: string[] };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderPage(
  blocks: Block[],
  opts: { markup: Markup; lang: Lang; metaCharset?: string | null; htmlTitle?: string },
): string {
  const meta = opts.metaCharset === null ? '' : `<meta http-equiv="Content-Type" content="text/html; charset=${opts.metaCharset ?? 'windows-1252'}">`;
  const body = blocks
    .map((b) => {
      switch (b.kind) {
        case 'text':
          return opts.markup === 'br' ? `${esc(b.text)}<br>` : `<p>${esc(b.text)}</p>`;
        case 'event':
          return `<table><tr><td>${esc(b.date)}</td><td>${esc(b.label)}</td></tr></table>`;
        case 'table':
          return `<table>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
        case 'list': {
          const tag = b.ordered ? 'ol' : 'ul';
          return `<${tag}>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</${tag}>`;
        }
      }
    })
    .join('\n');
  return `<html lang="${opts.lang}"><head>${meta}<title>${esc(opts.htmlTitle ?? 'Senaat')}</title></head><body>\n${body}\n</body></html>`;
}

export function encodePage(html: string, encoding = 'windows-1252'): Buffer {
  return iconv.encode(html, encoding);
}
