/** atom.ts: what the Senate wrote always comes out as well-formed XML text. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { atomDocument, xmlEscape } from '../../src/http/atom.ts';

describe('xmlEscape', () => {
  it('escapes markup characters', () => {
    expect(xmlEscape(`<b onerror="x">&'`)).toBe('&lt;b onerror=&quot;x&quot;&gt;&amp;&apos;');
  });
  it('drops characters XML 1.0 cannot carry, keeps tab, line breaks and paired surrogates', () => {
    expect(xmlEscape('a\u0000b\u0008c\u000Bd\u001Fe\uFFFEf')).toBe('abcdef');
    expect(xmlEscape('t\ta\nb\rc')).toBe('t\ta\nb\rc');
    expect(xmlEscape('x\uD83D\uDE00y')).toBe('x\uD83D\uDE00y');
    expect(xmlEscape('x\uD83Dy\uDE00z')).toBe('xyz');
  });
});

describe('atomDocument', () => {
  it('is well-formed Atom with hostile text in every field', () => {
    const hostile = 'Réponse <script>alert(1)</script> & "quotes" \u0001';
    const xml = atomDocument({
      id: 'http://x/feeds/answers.atom',
      title: hostile,
      self: 'http://x/feeds/answers.atom?party=a&b',
      updated: new Date('2024-01-02T03:04:05Z'),
      entries: [{ id: 'urn:senate-questions:event:evt_a', title: hostile, updated: new Date('2024-01-01T00:00:00Z'), author: hostile, summary: hostile, categories: ['answer_arrived'], link: 'http://x/api/questions/8-1' }],
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as { feed: { title: string; entry: { summary: { '#text': string } } } };
    expect(doc.feed.title).toBe('Réponse <script>alert(1)</script> & "quotes"');
    expect(doc.feed.entry.summary['#text']).toBe('Réponse <script>alert(1)</script> & "quotes"');
    expect(xml).not.toContain('<script>');
  });
});
