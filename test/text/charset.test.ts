import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { charsetCandidates, charsetFromContentType, charsetFromMeta, decodeBody } from '../../src/text/charset.ts';

const html = (head: string, body: string) => Buffer.concat([Buffer.from(`<html><head>${head}</head><body>`, 'latin1'), Buffer.from(body, 'binary'), Buffer.from('</body></html>')]);
const page = (meta: string, text: string, enc = 'windows-1252') => iconv.encode(`<html><head>${meta}</head><body>${text}</body></html>`, enc);

describe('decodeBody', () => {
  describe('when the Content-Type header names a charset', () => {
    it('decodes with it, even against a meta tag', () => {
      const body = html('<meta charset="windows-1252">', Buffer.from('Belgiё', 'utf8').toString('binary'));
      const out = decodeBody(body, 'text/html; charset=UTF-8');
      expect(out).toMatchObject({ charset: 'utf-8', source: 'header' });
      expect(out.text).toContain('Belgiё');
    });

    it('says the header was the source', () => {
      const d = decodeBody(page('<meta charset="windows-1252">', 'België', 'utf-8'), 'text/html; charset=UTF-8');
      expect(d.text).toContain('België');
      expect(d.source).toBe('header');
    });

    it('reads a quoted charset parameter', () => {
      expect(charsetFromContentType('text/html; charset="ISO-8859-1"')).toBe('ISO-8859-1');
    });
  });

  describe('when only a meta tag names the charset', () => {
    it('honours <meta charset>', () => {
      const body = html('<meta charset="utf-8">', Buffer.from('réponse', 'utf8').toString('binary'));
      expect(decodeBody(body, 'text/html')).toEqual({ text: expect.stringContaining('réponse'), charset: 'utf-8', source: 'meta' });
    });

    it('honours <meta http-equiv="Content-Type" content="…; charset=…">', () => {
      const body = html('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=utf-8">', Buffer.from('août', 'utf8').toString('binary'));
      expect(charsetFromMeta(body)).toBe('utf-8');
      expect(decodeBody(body, null).text).toContain('août');
    });

    it('reads an http-equiv ISO-8859-1 as Windows-1252', () => {
      const d = decodeBody(page('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">', 'Š'), null);
      expect(d).toMatchObject({ charset: 'windows-1252', source: 'meta' });
      expect(d.text).toContain('Š');
    });

    it('ignores a meta tag beyond the first 2 KB', () => {
      const body = Buffer.concat([Buffer.from(' '.repeat(3000)), Buffer.from('<meta charset="utf-8">')]);
      expect(decodeBody(body, null)).toMatchObject({ charset: 'windows-1252', source: 'default' });
    });
  });

  describe('when nothing names the charset', () => {
    it('falls back to Windows-1252', () => {
      const body = Buffer.from([0x42, 0x65, 0x6c, 0x67, 0x69, 0xeb]); // "België" in Windows-1252
      expect(decodeBody(body, 'text/html')).toEqual({ text: 'België', charset: 'windows-1252', source: 'default' });
    });

    it('maps bytes 0x80–0x9F to their Windows-1252 characters, not C1 controls', () => {
      const body = Buffer.from([0x80, 0x82, 0x85, 0x8e, 0x96, 0x9e, 0x9f]);
      expect(decodeBody(body, null).text).toBe('€‚…Ž–žŸ');
    });

    it('decodes damaged-looking Windows-1252 text as printed (Ž, †, ’, “)', () => {
      const d = decodeBody(page('', 'officiŽle oktober†2007 l’avis “x”'), null);
      expect(d.text).toContain('officiŽle oktober†2007 l’avis “x”');
      expect(d).toMatchObject({ charset: 'windows-1252', source: 'default' });
    });
  });

  describe('when the page says ISO-8859-1', () => {
    it('decodes as Windows-1252, as browsers do (0x80 is €)', () => {
      const out = decodeBody(Buffer.from([0x80, 0x20, 0xe9]), 'text/html; charset=iso-8859-1');
      expect(out).toEqual({ text: '€ é', charset: 'windows-1252', source: 'header' });
    });
  });

  describe('when the charset label is unknown', () => {
    it('falls back to Windows-1252', () => {
      expect(decodeBody(Buffer.from([0x80]), 'text/html; charset=x-klingon')).toEqual({ text: '€', charset: 'windows-1252', source: 'default' });
    });

    it('skips an unknown header and an unknown meta alike', () => {
      expect(decodeBody(page('<meta charset="x-klingon">', 'é'), 'text/html; charset=bogus').charset).toBe('windows-1252');
    });
  });

  describe('when the body starts with a UTF-8 byte-order mark', () => {
    it('decodes UTF-8 and drops the mark', () => {
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Sénat', 'utf8')]);
      expect(decodeBody(body, 'text/html; charset=windows-1252')).toEqual({ text: 'Sénat', charset: 'utf-8', source: 'bom' });
    });
  });

  describe('when the body is already a string', () => {
    it('takes it as decoded', () => {
      expect(decodeBody('<p>België</p>', 'text/html; charset=windows-1252')).toEqual({ text: '<p>België</p>', charset: 'utf-16', source: 'string' });
    });
  });

  describe('when the declared charset reads the bytes with replacement characters', () => {
    it('decodes windows-1252 bytes announced as UTF-8 as windows-1252, and says the header was not used', () => {
      const d = decodeBody(page('', 'Réponse reçue le 3 août: België'), 'text/html; charset=utf-8');
      expect(d.text).toContain('Réponse reçue le 3 août: België');
      expect(d.text).not.toContain('\uFFFD');
      expect(d).toMatchObject({ charset: 'windows-1252', fallbackFrom: { charset: 'utf-8', source: 'header' } });
    });

    it('prefers the meta charset over a lying header when the meta reads the bytes cleanly', () => {
      const d = decodeBody(page('<meta charset="iso-8859-15">', 'coût 5 €'), 'text/html; charset=utf-8');
      expect(d).toMatchObject({ charset: 'iso-8859-15', source: 'meta', fallbackFrom: { charset: 'utf-8', source: 'header' } });
    });

    it('decodes UTF-8 bytes announced as a single-byte charset that leaves a byte undefined as UTF-8', () => {
      // "Ł" is C5 81 in UTF-8; 0x81 is undefined in windows-1252.
      const d = decodeBody(page('', 'Łódź', 'utf-8'), 'text/html; charset=windows-1252');
      expect(d).toMatchObject({ charset: 'utf-8', source: 'guess', fallbackFrom: { charset: 'windows-1252', source: 'header' } });
      expect(d.text).toContain('Łódź');
    });

    it('keeps valid UTF-8 that holds a real U+FFFD, and reports no fallback', () => {
      const d = decodeBody(page('', 'a \uFFFD b', 'utf-8'), 'text/html; charset=utf-8');
      expect(d.text).toContain('a \uFFFD b');
      expect(d.fallbackFrom).toBeUndefined();
    });

    it('keeps the declared decode when no candidate reads the bytes cleanly', () => {
      const d = decodeBody(Buffer.from([0x41, 0xc3, 0x81, 0x8d, 0xff]), 'text/html; charset=utf-8');
      expect(d).toMatchObject({ charset: 'utf-8', source: 'header' });
      expect(d.fallbackFrom).toBeUndefined();
    });
  });

  it('round-trips every Windows-1252 byte through iconv-lite', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i).filter((b) => ![0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(b)));
    expect(iconv.encode(decodeBody(all, null).text, 'windows-1252').equals(all)).toBe(true);
  });
});

describe('charsetCandidates', () => {
  it('lists header, meta and the default, most trusted first', () => {
    expect([...charsetCandidates(page('<meta charset="utf-8">', 'x'), 'text/html; charset=iso-8859-15')]).toEqual([
      { charset: 'iso-8859-15', source: 'header' },
      { charset: 'utf-8', source: 'meta' },
      { charset: 'windows-1252', source: 'default' },
    ]);
  });

  it('lists only UTF-8 when a byte-order mark is there', () => {
    expect([...charsetCandidates(Buffer.from([0xef, 0xbb, 0xbf, 0x41]), 'text/html; charset=windows-1252')]).toEqual([{ charset: 'utf-8', source: 'bom' }]);
  });
});
