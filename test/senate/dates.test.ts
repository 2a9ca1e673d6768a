import { describe, expect, it } from 'vitest';
import { parseDate, parseNumericDate, parseWrittenDate } from '../../src/senate/dates.ts';

describe('dates', () => {
  it('reads chronology dates d/m/yyyy without zero padding', () => {
    expect(parseNumericDate('7/12/2009')).toBe('2009-12-07');
    expect(parseNumericDate('23/2/2011')).toBe('2011-02-23');
  });
  it('rejects impossible dates', () => {
    expect(parseNumericDate('31/2/2011')).toBeNull();
    expect(parseNumericDate('1/13/2011')).toBeNull();
  });
  it.each([
    ['28 november 2011', '2011-11-28'],
    ['1 december 2011', '2011-12-01'],
    ['3 maart 2021', '2021-03-03'],
    ['12 september 2013', '2013-09-12'],
    ['4 septembre 2013', '2013-09-04'],
    ['12 augustus 2008', '2008-08-12'],
    ['14 janvier 2009', '2009-01-14'],
    ['23 février 2011', '2011-02-23'],
    ['18 décembre 2015', '2015-12-18'],
    ['1 août 2008', '2008-08-01'],
    ['1 aôut 2008', '2008-08-01'],
    ['1er août 2008', '2008-08-01'],
  ])('reads the header date %s', (text, iso) => {
    expect(parseWrittenDate(text)).toBe(iso);
    expect(parseDate(text)).toBe(iso);
  });
  it('rejects an unknown month', () => expect(parseWrittenDate('1 brumaire 2008')).toBeNull());
});
