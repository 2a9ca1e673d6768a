/**
 * The question and answer bodies: blocks → paragraphs, lists and tables → plain text (blank
 * lines between paragraphs, table rows as tab-separated lines) and sanitized HTML in which a
 * table is a real `<table>`. A table counts as the answer's own when it starts inside the
 * answer; layout tables around the whole page do not.
 */
import type { HtmlBlock, HtmlTable } from './html-blocks.ts';

export type BodyItem =
  | { kind: 'p'; text: string; html: string }
  | { kind: 'table'; rows: string[][]; headerRow: boolean }
  | { kind: 'list'; ordered: boolean; items: { text: string; html: string }[] };

function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Items of blocks[from, to). */
export function collectItems(
  blocks: readonly HtmlBlock[],
  from: number,
  to: number,
  tables: ReadonlyMap<number, HtmlTable>,
  isData: (t: HtmlTable) => boolean = () => true,
): BodyItem[] {
  const items: BodyItem[] = [];
  let i = from;
  while (i < to) {
    const b = blocks[i]!;
    const dataTable = b.cell ? outermostTableFrom(b, from, tables, isData) : null;
    if (dataTable) {
      const rows = dataTable.rows
        .map((r) => {
          const cells: string[] = [];
          for (let c = 0; c < r.cells.length; c++) cells.push((r.cells[c] ?? '').trim());
          return { cells, header: r.header.length > 0 && r.header.every(Boolean) };
        })
        .filter((r) => r.cells.some((c) => c !== ''));
      if (rows.length > 0) items.push({ kind: 'table', rows: rows.map((r) => r.cells), headerRow: rows[0]!.header });
      while (i < to && blocks[i]!.path.includes(dataTable.id)) i++;
      continue;
    }
    if (b.list) {
      const listId = b.list.list;
      const entries: { text: string; html: string }[] = [];
      let last = -1;
      while (i < to && blocks[i]!.list?.list === listId) {
        const cur = blocks[i]!;
        if (cur.list!.index === last && entries.length > 0) {
          const e = entries[entries.length - 1]!;
          e.text += ` ${cur.text}`;
          e.html += `<br>${cur.html}`;
        } else entries.push({ text: cur.text, html: cur.html });
        last = cur.list!.index;
        i++;
      }
      items.push({ kind: 'list', ordered: b.list.ordered, items: entries });
      continue;
    }
    items.push({ kind: 'p', text: b.text, html: b.html });
    i++;
  }
  return items;
}

/** The outermost table holding `b` that starts at or after `from` (so it belongs to the body). */
function outermostTableFrom(b: HtmlBlock, from: number, tables: ReadonlyMap<number, HtmlTable>, isData: (t: HtmlTable) => boolean): HtmlTable | null {
  for (const id of b.path) {
    const t = tables.get(id);
    if (t && t.firstBlock >= from && isData(t)) return t;
  }
  return null;
}

export function itemText(item: BodyItem): string {
  if (item.kind === 'p') return item.text;
  if (item.kind === 'table') return item.rows.map((r) => r.join('\t')).join('\n');
  return item.items.map((it, n) => `${item.ordered ? `${n + 1}.` : '-'} ${it.text}`).join('\n');
}

export function itemHtml(item: BodyItem): string {
  if (item.kind === 'p') return `<p>${item.html}</p>`;
  if (item.kind === 'table') {
    const rows = item.rows.map((r, n) => {
      const tag = n === 0 && item.headerRow ? 'th' : 'td';
      return `<tr>${r.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
    });
    return `<table>\n${rows.join('\n')}\n</table>`;
  }
  const tag = item.ordered ? 'ol' : 'ul';
  return `<${tag}>${item.items.map((it) => `<li>${it.html}</li>`).join('')}</${tag}>`;
}

export function renderItems(items: readonly BodyItem[]): { text: string; html: string } {
  return { text: items.map(itemText).join('\n\n'), html: items.map(itemHtml).join('\n') };
}
