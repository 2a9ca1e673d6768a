/**
 * Renders Senate question pages as HTML in several invented markups, for the fixtures and the
 * fake Senate server. The real markup is unknown (docs/anatomy.md, "What we do not know"), so the
 * parser must read the same page correctly whatever the markup: `table` (the 2000s layout
 * ANATOMY guesses), `div` (paragraphs and divs) and `br` (one container, `<br>`-separated lines).
 * Every markup carries the noise a real site of that era has: navigation, a footer, scripts,
 * comments and `&nbsp;`, some of it holding text that looks like a question on purpose.
 */
import iconv from 'iconv-lite';
import type { Lang } from '../../src/senate/question-record.ts';

export type Markup = 'table' | 'div' | 'br';
export const MARKUPS: readonly Markup[] = ['table', 'div', 'br'];

export type Block =
  | { kind: 'text'; text: string } // one line/paragraph of the page
  | { kind: 'event'; date: string; label: string } // chronology row, date as printed d/m/yyyy
  | { kind: 'table'; rows: string[][]; header?: boolean } // a table inside an answer
  | { kind: 'list'; ordered: boolean; items: string[] };

export interface RenderOptions {
  markup: Markup;
  lang: Lang;
  /** Charset announced in the document: `<meta charset>` (div) or `http-equiv` (table, br). null/undefined: none. */
  metaCharset?: string | null;
  /** The document's `<title>`; defaults to a generic Senate title. */
  htmlTitle?: string;
}

const DATE_LINE = /^(\d{1,2}\/\d{1,2}\/\d{4})\s*(.*)$/;
const ADDRESSEE_LINE = /^(?:aan|à|au|aux)\s/i;
const CHRONO_HEADING = /^chronologie$/i;

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** Escapes text, writing runs of spaces and lone non-breaking spaces as `&nbsp;` like the old site. */
function esc(text: string): string {
  return escapeHtml(text).replace(/\u00a0/g, '&nbsp;');
}

/** A full HTML document holding `blocks` in the chosen markup, with navigation and footer noise. */
export function renderPage(blocks: Block[], opts: RenderOptions): string {
  const nl = opts.lang === 'nl';
  const title = opts.htmlTitle ?? (nl ? 'Belgische Senaat' : 'Sénat de Belgique');
  const content = opts.markup === 'table' ? renderTableLayout(blocks) : opts.markup === 'div' ? renderDivLayout(blocks) : renderBrLayout(blocks);
  const meta =
    opts.metaCharset == null
      ? ''
      : opts.markup === 'div'
        ? `<meta charset="${escapeHtml(opts.metaCharset)}">`
        : `<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=${escapeHtml(opts.metaCharset)}">`;
  const nav = navigation(opts.lang);
  const footer = footerNoise(opts.lang);
  // A script and a comment that mention a question on purpose: the parser must not read them.
  const script = `<script type="text/javascript">\n<!--\nvar kop = "<p>${nl ? 'Schriftelijke vraag nr. 9-999' : 'Question écrite n° 9-999'}</p>";\nfunction printVersion(){ window.open(location.href + "&PRINT=1"); }\n//-->\n</script>`;
  const comment = `<!-- ${nl ? 'Schriftelijke vraag nr. 9-999 (sjabloon)' : 'Question écrite n° 9-999 (gabarit)'} -->`;
  const style = '<style type="text/css">td { font-family: Arial; } .x { display:none }</style>';
  if (opts.markup === 'table') {
    return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<HTML lang="${opts.lang}"><HEAD>${meta}<TITLE>${esc(title)}</TITLE>${style}${script}</HEAD>
<BODY bgcolor="#FFFFFF" leftmargin=0 topmargin=0>${comment}
<TABLE width="100%" border=0 cellspacing=0 cellpadding=0>
<TR><TD colspan=2>${nav.top}</TD></TR>
<TR><TD width=150 valign=top>${nav.side}</TD>
<TD valign=top><IMG src="/img/spacer.gif" width=1 height=10><BR>
${content}
</TD></TR>
<TR><TD colspan=2>${footer}</TD></TR>
</TABLE>
</BODY></HTML>`;
  }
  if (opts.markup === 'div') {
    return `<!DOCTYPE html>
<html lang="${opts.lang}"><head>${meta}<title>${esc(title)}</title>${style}${script}</head>
<body>${comment}
<div id="header">${nav.top}</div>
<div id="menu">${nav.side}</div>
<div id="content">
${content}
</div>
<div id="footer">${footer}</div>
</body></html>`;
  }
  return `<html><head>${meta}<title>${esc(title)}</title>${script}</head>
<body>${nav.top}${comment}
<font face="Arial" size=2>
<div>
${content}
</div>
</font>
${footer}
</body></html>`;
}

function navigation(lang: Lang): { top: string; side: string } {
  const nl = lang === 'nl';
  const links = nl
    ? ['Home', 'Senatoren', 'Zoeken', 'Schriftelijke vragen', 'Contact']
    : ['Accueil', 'Sénateurs', 'Recherche', 'Questions écrites', 'Contact'];
  const top = links.map((l, i) => `<a href="/www/?MIval=/index_senate&amp;MENUID=${i}&amp;LANG=${lang}">${esc(l)}</a>`).join('&nbsp;|&nbsp;');
  const side = `<ul>${links.map((l, i) => `<li><a href="/www/?MIval=/menu&amp;ID=${i}">${esc(l)}</a></li>`).join('')}</ul>`;
  return { top, side };
}

function footerNoise(lang: Lang): string {
  const nl = lang === 'nl';
  return `<hr><a href="#top">${nl ? 'Naar boven' : 'Haut de page'}</a> &nbsp; <a href="/www/?MIval=/disclaimer">Disclaimer</a><br>&copy; ${nl ? 'Belgische Senaat' : 'Sénat de Belgique'} &nbsp;-&nbsp; <a href="mailto:info@senate.be">info@senate.be</a>`;
}

function renderTable(block: { rows: string[][]; header?: boolean }): string {
  const rows = block.rows
    .map((row, i) => {
      const tag = block.header && i === 0 ? 'th' : 'td';
      return `<tr>${row.map((c) => `<${tag}>${c.trim() === '' ? '&nbsp;' : esc(c)}</${tag}>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table border=1 cellspacing=0 cellpadding=2>\n${rows}\n</table>`;
}

function renderList(block: { ordered: boolean; items: string[] }): string {
  const tag = block.ordered ? 'ol' : 'ul';
  return `<${tag}>${block.items.map((i) => `<li>${esc(i)}</li>`).join('')}</${tag}>`;
}

/** Where the header's keyword run sits: the blocks after subject, up to the chronology. */
function keywordRun(blocks: Block[]): { start: number; end: number } | null {
  const addr = blocks.findIndex((b) => b.kind === 'text' && ADDRESSEE_LINE.test(b.text));
  if (addr < 0) return null;
  let i = addr + 1;
  // Skip separator lines of the print versions, then the subject.
  while (i < blocks.length && isRule(blocks[i])) i++;
  i++;
  while (i < blocks.length && isRule(blocks[i])) i++;
  const start = i;
  while (i < blocks.length) {
    const b = blocks[i]!;
    if (b.kind !== 'text' || CHRONO_HEADING.test(b.text.trim()) || isRule(b) || DATE_LINE.test(b.text)) break;
    i++;
  }
  return i - start >= 1 ? { start, end: i } : null;
}

function isRule(b: Block | undefined): boolean {
  return b !== undefined && b.kind === 'text' && /^_{4,}/.test(b.text.trim());
}

/** The 2000s layout: header block in a table beside spacer images, chronology as a date|label table. */
function renderTableLayout(blocks: Block[]): string {
  const out: string[] = [];
  const kw = keywordRun(blocks);
  const firstEvent = blocks.findIndex((b) => b.kind === 'event');
  const headerEnd = firstEvent < 0 ? Math.min(blocks.length, 8) : firstEvent;
  let i = 0;
  const headerRows: string[] = [];
  while (i < headerEnd) {
    if (kw && i === kw.start) {
      const words = blocks.slice(kw.start, kw.end).map((b) => (b.kind === 'text' ? esc(b.text) : ''));
      headerRows.push(`<TR><TD><IMG src="/img/spacer.gif" width=20 height=1></TD><TD><font size=1>${words.join('<BR>\n')}</font></TD></TR>`);
      i = kw.end;
      continue;
    }
    const b = blocks[i]!;
    if (b.kind === 'text') {
      const text = b.text.trim() === '' ? '&nbsp;' : esc(b.text);
      const cell = i === 1 ? `<b>${text}</b>` : text;
      headerRows.push(`<TR><TD><IMG src="/img/spacer.gif" width=20 height=1></TD><TD>${cell}</TD></TR>`);
    } else {
      headerRows.push(`<TR><TD></TD><TD>${renderOther(b)}</TD></TR>`);
    }
    i++;
  }
  out.push(`<TABLE border=0 cellpadding=0 cellspacing=0>\n${headerRows.join('\n')}\n</TABLE>`);
  while (i < blocks.length) {
    const b = blocks[i]!;
    if (b.kind === 'event') {
      const rows: string[] = [];
      while (i < blocks.length && blocks[i]!.kind === 'event') {
        const e = blocks[i] as { kind: 'event'; date: string; label: string };
        rows.push(`<TR><TD valign=top>${esc(e.date)}</TD><TD>${esc(e.label)}</TD></TR>`);
        i++;
      }
      out.push(`<TABLE border=0>\n${rows.join('\n')}\n</TABLE>`);
      continue;
    }
    if (b.kind === 'text') out.push(`<P>${b.text.trim() === '' ? '&nbsp;' : esc(b.text)}</P>`);
    else out.push(renderOther(b));
    i++;
  }
  return out.join('\n');
}

function renderOther(b: Block): string {
  if (b.kind === 'table') return renderTable(b);
  if (b.kind === 'list') return renderList(b);
  if (b.kind === 'event') return `${esc(b.date)} ${esc(b.label)}`;
  return esc(b.text);
}

/** Paragraphs and divs; chronology rows as two adjacent spans (no whitespace between date and label). */
function renderDivLayout(blocks: Block[]): string {
  const out: string[] = [];
  const kw = keywordRun(blocks);
  blocks.forEach((b, i) => {
    if (b.kind === 'text') {
      const text = b.text.trim() === '' ? '&nbsp;' : esc(b.text);
      if (i === 1) out.push(`<h1>${text}</h1>`);
      else if (CHRONO_HEADING.test(b.text.trim())) out.push(`<h3>${text}</h3>`);
      else if (kw && i >= kw.start && i < kw.end) out.push(`<div class="descriptor">${text}</div>`);
      else out.push(`<p>${text}</p>`);
    } else if (b.kind === 'event') {
      out.push(`<div class="row"><span class="d">${esc(b.date)}</span><span class="l">${esc(b.label)}</span></div>`);
    } else out.push(renderOther(b));
  });
  return out.join('\n');
}

/** One container, lines separated by `<br>`, paragraphs by an empty line; tables stay tables. */
function renderBrLayout(blocks: Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'text') out.push(`${b.text.trim() === '' ? '&nbsp;' : esc(b.text)}<br>\n<br>`);
    else if (b.kind === 'event') out.push(`${esc(b.date)}&nbsp;${esc(b.label)}<br>`);
    else if (b.kind === 'table') out.push(renderTable(b));
    else out.push(b.items.map((item, n) => `${b.ordered ? `${n + 1}.` : '-'} ${esc(item)}<br>`).join('\n'));
  }
  return out.join('\n');
}

const encodableCache = new Map<string, boolean>();

/**
 * The page's bytes in `encoding` (iconv-lite). Characters the encoding cannot hold are
 * written as numeric character references, as a browser or CMS of the era would.
 */
export function encodePage(html: string, encoding = 'windows-1252'): Buffer {
  let safe = '';
  for (const ch of html) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      safe += ch;
      continue;
    }
    const key = `${encoding}:${ch}`;
    let ok = encodableCache.get(key);
    if (ok === undefined) {
      ok = iconv.decode(iconv.encode(ch, encoding), encoding) === ch;
      encodableCache.set(key, ok);
    }
    safe += ok ? ch : `&#${cp};`;
  }
  return iconv.encode(safe, encoding);
}

/**
 * A `samples/*.txt` file (first line the URL, then one block per line, empty lines between)
 * as blocks: chronology lines become events, everything else one text block per line. A line
 * holding only spaces is a `&nbsp;` paragraph (the bilingual print separates its languages so).
 * Table-extraction artefacts (`![]() |`, `date | label |`) are read back as what they were.
 */
export function sampleToBlocks(sampleText: string): { url: string; blocks: Block[] } {
  const lines = sampleText.replace(/\r\n?/g, '\n').split('\n');
  const url = (lines.shift() ?? '').trim();
  const blocks: Block[] = [];
  for (const raw of lines) {
    if (raw === '') continue;
    if (raw.trim() === '') {
      blocks.push({ kind: 'text', text: '\u00a0' });
      continue;
    }
    let line = raw.trimEnd();
    if (/^!\[[^\]]*\]\([^)]*\)\s*\|?$/.test(line.trim())) continue; // a spacer image cell
    if (line.includes(' | ')) line = line.replace(/\s*\|\s*$/, '').replace(/\s+\|\s+/g, ' ');
    const m = DATE_LINE.exec(line);
    if (m && m[2] !== '' && m[2]!.length < 100) blocks.push({ kind: 'event', date: m[1]!, label: m[2]!.trim() });
    else blocks.push({ kind: 'text', text: line.trim() === '' ? '\u00a0' : line.replace(/^\s+/, '') });
  }
  return { url, blocks };
}
