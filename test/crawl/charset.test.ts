import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { charsetFromContentType, charsetFromMeta, decodeBody } from '../../src/crawl/charset.ts';

const html = (head: string, body: string) => Buffer.concat([Buffer.from(`<html><head>${head}</head><body>`, 'latin1'), Buffer.from(body, 'binary'), Buffer.from('</body></html>')]);

describe('decodeBody', () => {
  describe('when the Content-Type header names a charset', () => {
    it('decodes with it, even against a meta tag', () => {
      const body = html('<meta charset="windows-1252">', Buffer.from('Belgiё', 'utf8').toString('binary'));
      const out = decodeBody(body, 'text/html; charset=UTF-8');
      expect(out.charset).toBe('utf-8');
      expect(out.text).toContain('Belgiё');
    });

    it('reads a quoted charset parameter', () => {
      expect(charsetFromContentType('text/html; charset="ISO-8859-1"')).toBe('ISO-8859-1');
    });
  });

  describe('when only a meta tag names the charset', () => {
    it('honours <meta charset>', () => {
      const body = html('<meta charset="utf-8">', Buffer.from('réponse', 'utf8').toString('binary'));
      expect(decodeBody(body, 'text/html')).toEqual({ text: expect.stringContaining('réponse'), charset: 'utf-8' });
    });

    it('honours <meta http-equiv="Content-Type" content="…; charset=…">', () => {
      const body = html('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=utf-8">', Buffer.from('août', 'utf8').toString('binary'));
      expect(charsetFromMeta(body)).toBe('utf-8');
      expect(decodeBody(body, null).text).toContain('août');
    });

    it('ignores a meta tag beyond the first 2 KB', () => {
      const body = Buffer.concat([Buffer.from(' '.repeat(3000)), Buffer.from('<meta charset="utf-8">')]);
      expect(decodeBody(body, null).charset).toBe('windows-1252');
    });
  });

  describe('when nothing names the charset', () => {
    it('falls back to Windows-1252', () => {
      const body = Buffer.from([0x42, 0x65, 0x6c, 0x67, 0x69, 0xeb]); // "België" in Windows-1252
      expect(decodeBody(body, 'text/html')).toEqual({ text: 'België', charset: 'windows-1252' });
    });

    it('maps bytes 0x80–0x9F to their Windows-1252 characters, not C1 controls', () => {
      const body = Buffer.from([0x80, 0x82, 0x85, 0x8e, 0x96, 0x9e, 0x9f]);
      expect(decodeBody(body, null).text).toBe('€‚…Ž–žŸ');
    });
  });

  describe('when the page says ISO-8859-1', () => {
    it('decodes as Windows-1252, as browsers do (0x80 is €)', () => {
      const out = decodeBody(Buffer.from([0x80, 0x20, 0xe9]), 'text/html; charset=iso-8859-1');
      expect(out).toEqual({ text: '€ é', charset: 'windows-1252' });
    });
  });

  describe('when the charset label is unknown', () => {
    it('falls back to Windows-1252', () => {
      expect(decodeBody(Buffer.from([0x80]), 'text/html; charset=x-klingon')).toEqual({ text: '€', charset: 'windows-1252' });
    });
  });

  describe('when the body starts with a UTF-8 byte-order mark', () => {
    it('decodes UTF-8 and drops the mark', () => {
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Sénat', 'utf8')]);
      expect(decodeBody(body, 'text/html; charset=windows-1252')).toEqual({ text: 'Sénat', charset: 'utf-8' });
    });
  });

  it('round-trips every Windows-1252 byte through iconv-lite', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i).filter((b) => ![0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(b)));
    expect(iconv.encode(decodeBody(all, null).text, 'windows-1252').equals(all)).toBe(true);
  });
});
