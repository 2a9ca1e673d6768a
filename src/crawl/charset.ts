/**
 * Bytes → text for Senate pages. The site serves a single-byte encoding (a guess:
 * Windows-1252 / ISO-8859-1), so: charset from the Content-Type header, else from
 * `<meta charset>` / `<meta http-equiv="content-type">` in the first 2 KB, else
 * Windows-1252. Decoding goes through iconv-lite because Node 20's
 * `TextDecoder('windows-1252')` maps 0x80–0x9F to C1 controls instead of € ‚ … Ž.
 */
import iconv from 'iconv-lite';

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

/**
 * Decodes a body. `charset` in the result is the encoding actually used (normalised,
 * e.g. `windows-1252`, `utf-8`). A UTF-8 byte-order mark wins over everything.
 */
export function decodeBody(body: Buffer, contentType: string | null): { text: string; charset: string } {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    return { text: iconv.decode(body.subarray(3), 'utf-8'), charset: 'utf-8' };
  }
  const charset = normaliseCharset(charsetFromContentType(contentType)) ?? normaliseCharset(charsetFromMeta(body)) ?? FALLBACK;
  return { text: iconv.decode(body, charset), charset };
}
