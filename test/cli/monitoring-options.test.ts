import { describe, expect, it } from 'vitest';
import { brusselsMidnight, oneOf, questionId, sinceTime } from '../../src/cli/options.ts';
import { UsageError } from '../../src/util/errors.ts';

describe('sinceTime', () => {
  const now = new Date('2026-11-30T12:00:00Z');
  const since = sinceTime('--since', () => now);

  it('reads a duration back from now', () => {
    expect(since('24h').toISOString()).toBe('2026-11-29T12:00:00.000Z');
    expect(since('7d').toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect(since('90m').toISOString()).toBe('2026-11-30T10:30:00.000Z');
    expect(since('2w').toISOString()).toBe('2026-11-16T12:00:00.000Z');
  });

  it('reads a date as its midnight in Brussels (winter and summer time), and a date and time as given', () => {
    expect(since('2026-11-30').toISOString()).toBe('2026-11-29T23:00:00.000Z');
    expect(since('2026-07-01').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(since('2026-11-30T08:00Z').toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(since('2026-11-30 08:00:00+01:00').toISOString()).toBe('2026-11-30T07:00:00.000Z');
    expect(brusselsMidnight('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
  });

  it.each(['yesterday', '24', '3 days', '2026-02-31', '2026-13-01', '2026-02-30T10:00Z', ''])('refuses %j naming the flag', (value) => {
    expect(() => since(value)).toThrow(UsageError);
    expect(() => since(value)).toThrow(/^--since takes a date/);
  });
});

describe('questionId', () => {
  it('takes {leg}-{nr} and refuses anything else', () => {
    expect(questionId('8-123')).toBe('8-123');
    expect(questionId('08-0123')).toBe('8-123');
    for (const bad of ['8-x', '8-0', '0-5', '123', '8-', '8-1234567']) expect(() => questionId(bad), bad).toThrow('<id> takes a question id such as 8-123');
  });
});

describe('oneOf', () => {
  const types = oneOf('--type', ['a', 'b', 'c'] as const);
  it('collects repeated and comma-separated values, and refuses unknown ones', () => {
    expect(types('a,b', types('c'))).toEqual(['c', 'a', 'b']);
    expect(() => types('a,x')).toThrow('--type must be one of a, b, c (got "a,x")');
    expect(() => types(',')).toThrow(UsageError);
  });
});
