import { describe, expect, it } from 'vitest';
import { repairText, stripControlCharacters } from '../../src/senate/repair.ts';

describe('repairText', () => {
  it.each([
    ['officiŽle statistiek', 'officiële statistiek', 1],
    ['in BelgiŽ en AziŽ', 'in België en Azië', 2],
    ['Valťrie en het comitť', 'Valérie en het comité', 2],
    ['oktober†2007', 'oktober\u00a02007', 1],
    ['CÚcile Thibaut', 'Cécile Thibaut', 1],
    ['na´ef', 'naïef', 1],
    ['źtekst╗', '«tekst»', 1],
    ['naļef en Belgiė', 'naïef en België', 2],
    ['2006 ≠ 2007', '2006 – 2007', 1],
  ])('repairs %s', (input, output, count) => {
    expect(repairText(input)).toEqual({ text: output, count });
  });
  it('leaves clean text and its count alone', () => {
    expect(repairText('België, officiële, Écaussinnes')).toEqual({ text: 'België, officiële, Écaussinnes', count: 0 });
  });
  it('does not take an acute accent used as an apostrophe for damage', () => {
    expect(repairText('l´Etat et d´un')).toEqual({ text: 'l´Etat et d´un', count: 0 });
  });
  it('does not touch an upper-case Ú in a word without lower case', () => {
    expect(repairText('ÚLTIMO')).toEqual({ text: 'ÚLTIMO', count: 0 });
  });
});

describe('stripControlCharacters', () => {
  it.each([
    ['a\u0000b', 'ab', 1],
    ['a&#0;b&#x0;c&#000;d', 'abcd', 3],
    ['a\u0001b\u001fc&#1;&#X1F;', 'abc', 4],
    ['tab\there\nline\r\nform\ffeed', 'tab\there\nline\r\nform\ffeed', 0],
    ['&#9;&#10;&#13;&#233;&amp;&#x20AC;', '&#9;&#10;&#13;&#233;&amp;&#x20AC;', 0],
  ])('turns %j into %j, counting %i', (input, output, count) => {
    expect(stripControlCharacters(input)).toEqual({ text: output, count });
  });
});
