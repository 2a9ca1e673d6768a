import { describe, expect, it } from 'vitest';
import { lang, legislature, legislatures, wholeNumber } from '../../src/cli/options.ts';
import { UsageError } from '../../src/util/errors.ts';

describe('CLI option parsers', () => {
  describe('--legislature', () => {
    it('takes a legislature number', () => {
      expect(legislature('8')).toBe(8);
      expect(legislature('12')).toBe(12);
    });

    it.each(['0', 'eight', '8.0', '-1', '123', ''])('refuses %j as a usage error', (value) => {
      expect(() => legislature(value)).toThrow(UsageError);
      expect(() => legislature(value)).toThrow(`--legislature takes a legislature number such as 8, not ${JSON.stringify(value)}`);
    });

    it('collects a repeated option in order', () => {
      expect(legislatures('7', legislatures('5'))).toEqual([5, 7]);
    });
  });

  describe('whole numbers', () => {
    it('takes 1 and more', () => {
      expect(wholeNumber('--limit')('1')).toBe(1);
      expect(wholeNumber('--limit')('250')).toBe(250);
    });

    it.each(['0', '1.5', '1e3', 'ten', ' 2'])('refuses %j, naming the option', (value) => {
      expect(() => wholeNumber('--limit')(value)).toThrow(`--limit takes a whole number ≥ 1, not ${JSON.stringify(value)}`);
    });
  });

  describe('--lang', () => {
    it('takes fr or nl in any case', () => {
      expect(lang('fr')).toBe('fr');
      expect(lang('NL')).toBe('nl');
    });

    it('refuses anything else', () => {
      expect(() => lang('de')).toThrow(UsageError);
    });
  });
});
