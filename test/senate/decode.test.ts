import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { decodeBody } from '../../src/senate/decode.ts';

const page = (meta: string, text: string, enc = 'windows-1252') => iconv.encode(`<html><head>${meta}</head><body>${text}</body></html>`, enc);

describe('decodeBody', () => {
  it('decodes Windows-1252 bytes 0x80–0x9F as Windows-1252 (Ž, †, ’, “)', () => {
    const d = decodeBody(page('', 'officiŽle oktober†2007 l’avis “x”'), null);
    expect(d.html).toContain('officiŽle oktober†2007 l’avis “x”');
    expect(d).toMatchObject({ charset: 'windows-1252', source: 'default' });
  });
  it('takes the charset of the HTTP header first', () => {
    const d = decodeBody(page('<meta charset="windows-1252">', 'België', 'utf-8'), 'text/html; charset=UTF-8');
    expect(d.html).toContain('België');
    expect(d.source).toBe('header');
  });
  it('reads <meta charset> when the header has none', () => {
    const d = decodeBody(page('<meta charset="utf-8">', 'België', 'utf-8'), 'text/html');
    expect(d).toMatchObject({ charset: 'utf-8', source: 'meta' });
    expect(d.html).toContain('België');
  });
  it('reads http-equiv Content-Type', () => {
    const d = decodeBody(page('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">', 'Š'), null);
    expect(d).toMatchObject({ charset: 'windows-1252', source: 'meta' });
    expect(d.html).toContain('Š');
  });
  it('falls back to Windows-1252 on an unknown charset', () => {
    expect(decodeBody(page('<meta charset="x-klingon">', 'é'), 'text/html; charset=bogus').charset).toBe('windows-1252');
  });
});
