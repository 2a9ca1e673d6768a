/**
 * The bodies of the faults that answer with something other than the page: random bytes, a
 * binary document, a browser challenge, a page with NUL characters, a short page that is
 * well-formed to its end. Pure functions of their inputs (the random bytes excepted).
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Block } from './markup.ts';

/** Random bytes; never starts with a UTF-8 BOM, so no client can take it for a decodable page by its first bytes. */
export function garbageBody(bytes = 4096): Buffer {
  const body = randomBytes(Math.max(1, bytes));
  if (body[0] === 0xef) body[0] = 0x00;
  return body;
}

/** A small but real PDF, or a gzip stream of an HTML page (what a server sends when it forgets Content-Encoding). */
export function binaryBody(format: 'pdf' | 'gzip' = 'pdf'): { body: Buffer; contentType: string } {
  if (format === 'gzip') {
    return { body: gzipSync(Buffer.from('<html><body><p>Schriftelijke vraag nr. 8-1</p></body></html>')), contentType: 'application/gzip' };
  }
  const pdf = [
    '%PDF-1.4',
    '%\u00e2\u00e3\u00cf\u00d3',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n');
  return { body: Buffer.concat([Buffer.from(pdf, 'latin1'), randomBytes(512)]), contentType: 'application/pdf' };
}

/** A Cloudflare-style "checking your browser" interstitial, as served in front of a site. */
export function challengePage(host: string): string {
  return `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="robots" content="noindex,nofollow">
<meta name="viewport" content="width=device-width,initial-scale=1"><style>*{box-sizing:border-box;margin:0;padding:0}</style></head>
<body class="no-js"><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">${host}</h1>
<h2 class="h2" id="challenge-running">Checking your browser before accessing ${host}.</h2>
<noscript><div id="challenge-error-title">Enable JavaScript and cookies to continue</div></noscript>
<div id="challenge-body-text" class="core-msg spacer">${host} needs to review the security of your connection before proceeding.</div>
<form id="challenge-form" action="/www/?__cf_chl_f_tk=Qx3mP0aLk2" method="POST" enctype="application/x-www-form-urlencoded">
<input type="hidden" name="md" value="a1b2c3"></form></div></div>
<script>(function(){window._cf_chl_opt={cvId:'3',cZone:'${host}',cType:'managed',cRay:'8c0ffee0d15ea5e',cH:'x'};
var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8c0ffee0d15ea5e';
document.getElementsByTagName('head')[0].appendChild(a);}());</script>
<div class="footer" role="contentinfo"><div class="footer-inner">Performance &amp; security by Cloudflare</div></div>
</body></html>`;
}

/** Marks where the renderer's output gets a `&#0;` reference (a control character `esc` leaves alone). */
export const NUL_REFERENCE_MARK = '\u0001';

/**
 * The page's blocks with a raw NUL in one word and a NUL reference mark in another word of
 * the first question paragraph (the block after "Question n° …" / "Vraag nr. …"): both sit
 * between two letters, so removing them gives the printed text back exactly.
 */
export function withNulCharacters(blocks: readonly Block[]): Block[] {
  const out = blocks.map((b) => ({ ...b })) as Block[];
  const head = out.findIndex((b) => b.kind === 'text' && /^(Question n°|Vraag nr\.) /.test(b.text));
  const para = out.slice(head + 1).findIndex((b) => b.kind === 'text' && /\p{L}\p{L}.*\p{L}\p{L}/su.test(b.text));
  if (head < 0 || para < 0) return out;
  const block = out[head + 1 + para] as { kind: 'text'; text: string };
  const chars = [...block.text];
  const between = (i: number) => i > 0 && i < chars.length && /\p{L}/u.test(chars[i - 1]!) && /\p{L}/u.test(chars[i]!);
  const first = chars.findIndex((_, i) => between(i));
  if (first < 0) return out;
  // The reference goes into a later word: the first letter pair after the next whitespace.
  const space = chars.findIndex((c, i) => i > first && /\s/.test(c));
  const second = space < 0 ? -1 : chars.findIndex((_, i) => i > space && between(i));
  if (second > first) chars.splice(second, 0, NUL_REFERENCE_MARK);
  chars.splice(first, 0, '\u0000');
  block.text = chars.join('');
  return out;
}

/**
 * The first `at` of a body, cut back to the end of the last tag before that point, then
 * closed with `</body></html>`: a short page that looks complete and well-formed.
 */
export function closedShortBody(body: Buffer, at = 0.5): Buffer {
  const cut = Math.max(1, Math.floor(body.length * at));
  const end = body.lastIndexOf(0x3e /* > */, cut - 1);
  const kept = end >= 0 ? body.subarray(0, end + 1) : body.subarray(0, cut);
  return Buffer.concat([kept, Buffer.from('\n</body></html>\n')]);
}
