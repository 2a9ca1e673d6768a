/**
 * The answer's HTML as the parser stored it goes through an allow-list sanitizer before it
 * reaches a page: text structure and tables only. Scripts, event handlers, styles, images,
 * forms and frames are dropped whatever the Senate (or a parser bug) put there. sanitize-html
 * rather than a hand-written filter: it parses like a browser (htmlparser2) and is kept up
 * against the tricks a hand-written filter misses.
 */
import sanitizeHtml from 'sanitize-html';

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'b', 'strong', 'i', 'em', 'u', 'sup', 'sub', 'ul', 'ol', 'li', 'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'blockquote', 'a'],
  allowedAttributes: { th: ['colspan', 'rowspan', 'scope'], td: ['colspan', 'rowspan'], a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https'],
  allowProtocolRelative: false,
  // The content of these is dropped with them, not shown as text.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object'],
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }) },
};

export function sanitizeAnswerHtml(dirty: string): string {
  return sanitizeHtml(dirty, OPTIONS);
}
