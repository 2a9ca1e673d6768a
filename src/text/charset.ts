/**
 * Bytes → text for Senate pages, in one place below both the parser and the fetcher. The
 * site serves a single-byte encoding (a guess: Windows-1252 / ISO-8859-1), so: a UTF-8
 * byte-order mark, else the charset of the Content-Type header, else the one of
 * `<meta charset>` / `<meta http-equiv="content-type">` in the first 2 KB, else
 * Windows-1252. Decoding goes through iconv-lite because Node 20's
 * `TextDecoder('windows-1252')` maps 0x80–0x9F to C1 controls instead of € ‚ … Ž.
 *
 * A declaration can lie (a server that says UTF-8 in front of windows-1252 bytes): when the
 * most trusted charset reads the bytes with replacement characters (U+FFFD) and another
 * candidate reads them cleanly, the clean one is used and the decode says so (`fallbackFrom`).
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/** Where the charset used came from (`guess`: no declaration, tried because the declared one failed). */
export type CharsetSource = 'bom' | 'header' | 'meta' | 'default' | 'guess' | 'string';

export interface Decoded {
  text: string;
  /** The charset used, normalised (e.g. `windows-1252`, `utf-8`). */
  charset: string;
  source: CharsetSource;
  /**
   * Set only when the most trusted candidate (this one) read the bytes with U+FFFD and the
   * charset used read them cleanly: a decode fallback, worth reporting.
   */
  fallbackFrom?: CharsetCandidate;
}

/** One charset the body may be in, and what says so. */
export interface CharsetCandidate {
  charset: string;
  source: Exclude<CharsetSource, 'string'>;
}

const REPLACEMENT = '\uFFFD';

const FALLBACK = 'windows-1252';
const SNIFF_BYTES = 2048;

/**
 * Labels browsers treat as Windows-1252 (WHATWG Encoding): a page that says ISO-8859-1 or
 * ASCII and contains a 0x80 byte means €, not a C1 control.
 */
const WINDOWS_1252_ALIASES = new Set([
  'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'l1', 'us-ascii', 'ascii', 'cp1252', 'cp819', 'ibm819', 'x-cp1252', 'windows-1252', 'iso-ir-100', 'csisolatin1',
]);

/** Normalises a charset label; null when iconv-lite does not know it. */
export function normaliseCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const l = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (l === '') return null;
  if (WINDOWS_1252_ALIASES.has(l)) return FALLBACK;
  if (l === 'utf8') return 'utf-8';
  return iconv.encodingExists(l) ? l : null;
}

/** The `charset` parameter of a Content-Type value, or null. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return m?.[2] ?? null;
}

/** The charset declared by a `<meta>` in the first 2 KB, or null. */
export function charsetFromMeta(body: Buffer): string | null {
  // latin1 maps each byte to one char, so ASCII markup reads the same in any single-byte or UTF-8 page.
  const head = body.subarray(0, SNIFF_BYTES).toString('latin1');
  for (const tag of head.match(/<meta\b[^>]*>/gi) ?? []) {
    const direct = /\bcharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(tag);
    if (direct?.[1]) return direct[1];
  }
  return null;
}

function hasUtf8Bom(body: Buffer): boolean {
  return body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
}

/**
 * The charsets the body may be in, most trusted first, lazily (the `<meta>` is sniffed only
 * when asked for): the byte-order mark alone, else the header's, the meta's and the
 * Windows-1252 default. Unknown labels are skipped.
 */
export function* charsetCandidates(body: Buffer, contentType: string | null | undefined): Generator<CharsetCandidate, void, undefined> {
  if (hasUtf8Bom(body)) {
    yield { charset: 'utf-8', source: 'bom' };
    return;
  }
  const header = normaliseCharset(charsetFromContentType(contentType));
  if (header) yield { charset: header, source: 'header' };
  const meta = normaliseCharset(charsetFromMeta(body));
  if (meta) yield { charset: meta, source: 'meta' };
  yield { charset: FALLBACK, source: 'default' };
}

/**
 * Decodes a page body with the most trusted of its candidate charsets. A UTF-8 byte-order
 * mark wins over everything and is dropped. A string body is taken as already decoded.
 * When the chosen charset reads the bytes with U+FFFD (invalid UTF-8, a byte a single-byte
 * charset leaves undefined), the other candidates, then UTF-8 and windows-1252, are tried in
 * turn, and the first that reads them cleanly is used (with `fallbackFrom`). Valid UTF-8 that
 * holds a real U+FFFD is not "unclean".
 */
export function decodeBody(body: Buffer | string, contentType?: string | null): Decoded {
  if (typeof body === 'string') return { text: body, charset: 'utf-16', source: 'string' };
  const candidates = [...charsetCandidates(body, contentType)];
  const chosen = candidates[0]!;
  if (chosen.source === 'bom') return { text: iconv.decode(body.subarray(3), chosen.charset), ...chosen };
  const text = iconv.decode(body, chosen.charset);
  if (!text.includes(REPLACEMENT) || (chosen.charset === 'utf-8' && isUtf8(body))) return { text, ...chosen };
  const tried = new Set([chosen.charset]);
  const guesses: CharsetCandidate[] = [...candidates.slice(1), { charset: 'utf-8', source: 'guess' }, { charset: FALLBACK, source: 'guess' }];
  for (const c of guesses) {
    if (tried.has(c.charset)) continue;
    tried.add(c.charset);
    if (c.charset === 'utf-8') {
      if (isUtf8(body)) return { text: iconv.decode(body, 'utf-8'), ...c, fallbackFrom: chosen };
      continue;
    }
    const other = iconv.decode(body, c.charset);
    if (!other.includes(REPLACEMENT)) return { text: other, ...c, fallbackFrom: chosen };
  }
  return { text, ...chosen };
}
