/**
 * Bytes → text for Senate pages, with where the charset came from. The rules (BOM, then the
 * HTTP Content-Type, then `<meta>`, then Windows-1252, decoded by iconv-lite) live once, in
 * src/crawl/charset.ts; this adds the source the parser reports.
 */
import iconv from 'iconv-lite';
import { charsetFromContentType, charsetFromMeta, normaliseCharset } from '../crawl/charset.ts';

export { charsetFromContentType, normaliseCharset };

const FALLBACK = 'windows-1252';

export interface Decoded {
  html: string;
  /** The charset used, normalised (e.g. `windows-1252`, `utf-8`). */
  charset: string;
  /** Where the charset came from. */
  source: 'header' | 'meta' | 'default' | 'string' | 'bom';
}

/** Decodes a page body. A string body is taken as already decoded. */
export function decodeBody(body: Buffer | string, contentType?: string | null): Decoded {
  if (typeof body === 'string') return { html: body, charset: 'utf-16', source: 'string' };
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    return { html: iconv.decode(body.subarray(3), 'utf-8'), charset: 'utf-8', source: 'bom' };
  }
  const fromHeader = normaliseCharset(charsetFromContentType(contentType));
  if (fromHeader) return { html: iconv.decode(body, fromHeader), charset: fromHeader, source: 'header' };
  const fromMeta = normaliseCharset(charsetFromMeta(body));
  if (fromMeta) return { html: iconv.decode(body, fromMeta), charset: fromMeta, source: 'meta' };
  return { html: iconv.decode(body, FALLBACK), charset: FALLBACK, source: 'default' };
}
