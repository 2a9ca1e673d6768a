/**
 * Bytes → text for Senate pages. The charset comes from the HTTP Content-Type, else from the
 * document's `<meta charset>` / `http-equiv`, else Windows-1252 (the era's default). Decoding
 * goes through iconv-lite: Node 20's TextDecoder('windows-1252') maps 0x80–0x9F wrongly.
 */
import iconv from 'iconv-lite';

const HEADER_CHARSET = /charset\s*=\s*["']?([\w.:-]+)/i;
const META_CHARSET = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i;
const FALLBACK = 'windows-1252';

/** Labels that WHATWG treats as Windows-1252 (browsers never decode them as strict Latin-1). */
const AS_WINDOWS_1252 = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii', 'cp1252', 'windows-1252', 'x-cp1252', 'cp819', 'ibm819', 'iso-ir-100']);

export interface Decoded {
  html: string;
  /** The charset used, normalised (e.g. `windows-1252`, `utf-8`). */
  charset: string;
  /** Where the charset came from. */
  source: 'header' | 'meta' | 'default' | 'string';
}

export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = HEADER_CHARSET.exec(contentType);
  return m ? normaliseCharset(m[1]!) : null;
}

export function normaliseCharset(label: string): string | null {
  const l = label.trim().toLowerCase();
  if (AS_WINDOWS_1252.has(l)) return FALLBACK;
  if (l === 'utf8') return 'utf-8';
  return iconv.encodingExists(l) ? l : null;
}

/** Decodes a page body. A string body is taken as already decoded. */
export function decodeBody(body: Buffer | string, contentType?: string | null): Decoded {
  if (typeof body === 'string') return { html: body, charset: 'utf-16', source: 'string' };
  const fromHeader = charsetFromContentType(contentType);
  if (fromHeader) return { html: iconv.decode(body, fromHeader), charset: fromHeader, source: 'header' };
  // The meta tag is ASCII: reading the head as latin1 is enough to find it.
  const head = body.subarray(0, 4096).toString('latin1');
  const m = META_CHARSET.exec(head);
  const fromMeta = m ? normaliseCharset(m[1]!) : null;
  if (fromMeta) return { html: iconv.decode(body, fromMeta), charset: fromMeta, source: 'meta' };
  return { html: iconv.decode(body, FALLBACK), charset: FALLBACK, source: 'default' };
}
