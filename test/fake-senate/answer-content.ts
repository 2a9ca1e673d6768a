/**
 * The content of an answer as parts (paragraphs, tables, lists), and its two forms in the
 * record: `Answer.text` (paragraphs separated by a blank line, table rows as tab-separated
 * lines, list items one per line after `1.` or `-`) and `Answer.html` (p, table/tr/th/td, ul/ol/li).
 * The printer reads the parts back from the html, so a record alone is enough to print it.
 */
import type { Answer } from '../../src/senate/question-record.ts';

export type AnswerPart =
  | { kind: 'p'; text: string }
  | { kind: 'table'; rows: string[][]; header: boolean }
  | { kind: 'list'; ordered: boolean; items: string[] };

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeHtml = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function partsToText(parts: readonly AnswerPart[]): string {
  return parts
    .map((p) => {
      switch (p.kind) {
        case 'p':
          return p.text;
        case 'table':
          return p.rows.map((r) => r.join('\t')).join('\n');
        case 'list':
          return p.items.map((it, n) => `${p.ordered ? `${n + 1}.` : '-'} ${it}`).join('\n');
      }
    })
    .join('\n\n');
}

export function partsToHtml(parts: readonly AnswerPart[]): string {
  return parts
    .map((p) => {
      switch (p.kind) {
        case 'p':
          return `<p>${escapeHtml(p.text)}</p>`;
        case 'table':
          return `<table>\n${p.rows
            .map((r, i) => {
              const tag = p.header && i === 0 ? 'th' : 'td';
              return `<tr>${r.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
            })
            .join('\n')}\n</table>`;
        case 'list': {
          const tag = p.ordered ? 'ol' : 'ul';
          return `<${tag}>${p.items.map((it) => `<li>${escapeHtml(it)}</li>`).join('')}</${tag}>`;
        }
      }
    })
    .join('\n');
}

export function answerFromParts(date: string | null, parts: readonly AnswerPart[]): Answer {
  return { date, text: partsToText(parts), html: partsToHtml(parts) };
}

/** Reads back the html that partsToHtml writes (and only that). */
export function partsFromHtml(html: string): AnswerPart[] {
  const parts: AnswerPart[] = [];
  const re = /<p>([\s\S]*?)<\/p>|<table>\s*([\s\S]*?)\s*<\/table>|<(ul|ol)>([\s\S]*?)<\/\3>/g;
  for (const m of html.matchAll(re)) {
    if (m[1] !== undefined) {
      parts.push({ kind: 'p', text: unescapeHtml(m[1]) });
    } else if (m[2] !== undefined) {
      const rows = [...m[2].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
        [...r[1]!.matchAll(/<(t[hd])>([\s\S]*?)<\/\1>/g)].map((c) => unescapeHtml(c[2]!)),
      );
      parts.push({ kind: 'table', rows, header: m[2].startsWith('<tr><th>') });
    } else {
      const items = [...m[4]!.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((li) => unescapeHtml(li[1]!));
      parts.push({ kind: 'list', ordered: m[3] === 'ol', items });
    }
  }
  return parts;
}

/**
 * Reads parts from plain text as a test author writes it: paragraphs separated by a blank
 * line; a paragraph whose every line holds a tab is a table.
 */
export function partsFromText(text: string): AnswerPart[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p): AnswerPart => {
      const lines = p.split('\n');
      if (lines.every((l) => l.includes('\t'))) {
        return { kind: 'table', rows: lines.map((l) => l.split('\t').map((c) => c.trim())), header: false };
      }
      return { kind: 'p', text: lines.map((l) => l.trim()).join(' ') };
    });
}
