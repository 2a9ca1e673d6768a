/**
 * HTML → a layout-agnostic sequence of text blocks. Every block element, table cell and
 * `<br>`-separated line becomes one block, so the parser can find fields by their text and
 * order whatever the markup (tables, divs, one `<br>` container). Each block remembers where
 * it sits (its ancestors, its table cell, its list item) so that the parser can keep answer
 * tables as tables and drop navigation outside the page's content. Scripts, styles and
 * comments are never read. Uses htmlparser2's streaming parser directly: no DOM is built.
 */
import { Parser } from 'htmlparser2';

export interface CellRef {
  /** Element id of the innermost table. */
  table: number;
  row: number;
  col: number;
  header: boolean;
}

export interface ListRef {
  /** Element id of the list. */
  list: number;
  ordered: boolean;
  /** 0-based item index. */
  index: number;
}

export interface HtmlBlock {
  /** Visible text, whitespace (and `&nbsp;`) collapsed to single spaces, trimmed. */
  text: string;
  /** The same text as sanitized inline HTML (only b/i/em/strong kept). */
  html: string;
  /** All the text sits inside links (navigation, not content). */
  linkOnly: boolean;
  /** Ids of the open elements, outermost first. */
  path: readonly number[];
  cell: CellRef | null;
  list: ListRef | null;
}

export interface HtmlTable {
  id: number;
  /** Index of the first block inside the table (-1 when it has none). */
  firstBlock: number;
  rows: { cells: string[]; header: boolean[] }[];
}

export interface HtmlBlocks {
  blocks: HtmlBlock[];
  tables: Map<number, HtmlTable>;
  /** The document was closed (`</body>` or `</html>` seen): it was not cut short. */
  complete: boolean;
}

const BLOCK_TAGS = new Set([
  'p', 'div', 'td', 'th', 'tr', 'table', 'tbody', 'thead', 'tfoot', 'li', 'ul', 'ol', 'dl', 'dt', 'dd',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'hr', 'center', 'form', 'section', 'article',
  'header', 'footer', 'nav', 'aside', 'main', 'address', 'caption', 'fieldset', 'body', 'html', 'frame',
]);
const SKIP_TAGS = new Set(['script', 'style', 'head', 'title', 'noscript', 'template', 'iframe', 'object', 'select', 'textarea', 'svg', 'math']);
const INLINE_KEEP: Record<string, string> = { b: 'b', strong: 'strong', i: 'i', em: 'em' };
const VOID_TAGS = new Set(['br', 'hr', 'img', 'meta', 'link', 'input', 'area', 'base', 'col', 'embed', 'param', 'source', 'track', 'wbr']);
const WS = /[\s\u00a0\u200b]+/g;
const VISIBLE = /[^\s\u00a0\u200b]/;
const NEEDS_ESCAPE = /[&<>]/;
const EMPTY_INLINE = /<(b|strong|i|em)>\s*<\/\1>/g;
/** The text of a rule block (`<hr>`), the same as the print versions' printed separators. */
export const RULE_TEXT = '________';

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

interface OpenTable {
  id: number;
  table: HtmlTable;
  row: number;
  col: number;
  header: boolean;
  cellLines: string[] | null;
}

/** Splits an HTML document into text blocks. Pure: no I/O, no globals mutated. */
export function htmlToBlocks(html: string): HtmlBlocks {
  const blocks: HtmlBlock[] = [];
  const tables = new Map<number, HtmlTable>();
  const stack: { name: string; id: number }[] = [];
  const path: number[] = [];
  const tableStack: OpenTable[] = [];
  const listStack: { id: number; ordered: boolean; index: number }[] = [];
  let nextId = 1;
  let skipDepth = 0;
  let linkDepth = 0;
  let text = '';
  let htmlBuf = '';
  let textOutsideLink = false;
  let complete = false;
  let inlineOpen: string[] = [];
  /** An inline tag opened or closed inside the current block. */
  let hadInline = false;

  const flush = (): void => {
    if (text === '') {
      htmlBuf = '';
      return;
    }
    const t = text.replace(WS, ' ').trim();
    if (t === '') {
      text = '';
      htmlBuf = '';
      textOutsideLink = false;
      return;
    }
    let h: string;
    if (!hadInline && inlineOpen.length === 0) {
      // Plain text (the common case): its HTML is the escaped text.
      h = NEEDS_ESCAPE.test(t) ? escapeText(t) : t;
    } else {
      // Close inline tags left open at the block's end so each block's HTML stands alone.
      h = htmlBuf;
      for (let i = inlineOpen.length - 1; i >= 0; i--) h += `</${inlineOpen[i]}>`;
      h = h.replace(WS, ' ').trim().replace(EMPTY_INLINE, '');
    }
    hadInline = false;
    const top = tableStack[tableStack.length - 1];
    const cell: CellRef | null = top && top.cellLines ? { table: top.id, row: top.row, col: top.col, header: top.header } : null;
    if (top && top.cellLines) {
      top.cellLines.push(t);
      if (top.table.firstBlock < 0) top.table.firstBlock = blocks.length;
    }
    // A table's first block also counts for every enclosing table.
    for (const ot of tableStack) if (ot.table.firstBlock < 0) ot.table.firstBlock = blocks.length;
    const li = listStack[listStack.length - 1];
    blocks.push({
      text: t,
      html: h,
      linkOnly: !textOutsideLink,
      path: path.slice(),
      cell,
      list: li && li.index >= 0 ? { list: li.id, ordered: li.ordered, index: li.index } : null,
    });
    text = '';
    htmlBuf = '';
    textOutsideLink = false;
    // Inline tags still open continue into the next block.
    for (const tag of inlineOpen) htmlBuf += `<${tag}>`;
  };

  const closeCell = (ot: OpenTable): void => {
    if (!ot.cellLines) return;
    const row = ot.table.rows[ot.row];
    if (row) {
      row.cells[ot.col] = ot.cellLines.join(' ');
      row.header[ot.col] = ot.header;
    }
    ot.cellLines = null;
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (skipDepth > 0) {
          if (!VOID_TAGS.has(name)) skipDepth++;
          return;
        }
        if (SKIP_TAGS.has(name)) {
          skipDepth = 1;
          return;
        }
        if (name === 'br') {
          flush();
          return;
        }
        if (BLOCK_TAGS.has(name)) flush();
        if (name === 'hr') {
          // A horizontal rule is the print versions' separator: keep it as a rule block.
          blocks.push({ text: RULE_TEXT, html: '', linkOnly: false, path: path.slice(), cell: null, list: null });
          return;
        }
        if (VOID_TAGS.has(name)) return;
        const id = nextId++;
        stack.push({ name, id });
        path.push(id);
        if (name === 'a') linkDepth++;
        const keep = INLINE_KEEP[name];
        if (keep) {
          htmlBuf += `<${keep}>`;
          inlineOpen.push(keep);
          hadInline = true;
        }
        if (name === 'table') {
          const table: HtmlTable = { id, firstBlock: -1, rows: [] };
          tables.set(id, table);
          tableStack.push({ id, table, row: -1, col: -1, header: false, cellLines: null });
        } else if (name === 'tr') {
          const ot = tableStack[tableStack.length - 1];
          if (ot) {
            closeCell(ot);
            ot.table.rows.push({ cells: [], header: [] });
            ot.row = ot.table.rows.length - 1;
            ot.col = -1;
          }
        } else if (name === 'td' || name === 'th') {
          const ot = tableStack[tableStack.length - 1];
          if (ot) {
            closeCell(ot);
            if (ot.row < 0) {
              ot.table.rows.push({ cells: [], header: [] });
              ot.row = 0;
            }
            ot.col++;
            ot.header = name === 'th';
            ot.cellLines = [];
          }
        } else if (name === 'ul' || name === 'ol') {
          listStack.push({ id, ordered: name === 'ol', index: -1 });
        } else if (name === 'li') {
          const l = listStack[listStack.length - 1];
          if (l) l.index++;
        }
      },
      ontext(data) {
        if (skipDepth > 0) return;
        text += data;
        htmlBuf += NEEDS_ESCAPE.test(data) ? escapeText(data) : data;
        if (linkDepth === 0 && !textOutsideLink && VISIBLE.test(data)) textOutsideLink = true;
      },
      onclosetag(name, isImplied) {
        if (skipDepth > 0) {
          if (!VOID_TAGS.has(name)) skipDepth--;
          return;
        }
        if ((name === 'body' || name === 'html') && !isImplied) complete = true;
        if (VOID_TAGS.has(name)) return;
        // Find the element being closed; ignore stray close tags.
        let idx = stack.length - 1;
        while (idx >= 0 && stack[idx]!.name !== name) idx--;
        if (idx < 0) return;
        if (BLOCK_TAGS.has(name)) flush();
        while (stack.length > idx) {
          const el = stack.pop()!;
          path.pop();
          if (el.name === 'a') linkDepth = Math.max(0, linkDepth - 1);
          const keep = INLINE_KEEP[el.name];
          if (keep) {
            const at = inlineOpen.lastIndexOf(keep);
            if (at >= 0) {
              inlineOpen = inlineOpen.slice(0, at).concat(inlineOpen.slice(at + 1));
              htmlBuf += `</${keep}>`;
              hadInline = true;
            }
          }
          if (el.name === 'td' || el.name === 'th') {
            const ot = tableStack[tableStack.length - 1];
            if (ot) closeCell(ot);
          } else if (el.name === 'table') {
            const ot = tableStack.pop();
            if (ot) closeCell(ot);
          } else if (el.name === 'ul' || el.name === 'ol') {
            listStack.pop();
          }
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: false },
  );
  parser.write(html);
  parser.end();
  flush();
  for (const ot of tableStack) closeCell(ot);
  return { blocks, tables, complete };
}
