import { describe, expect, it } from 'vitest';
import { formatDurationList, MAX_RETRY_AFTER_MS, nextAttemptDelayMs, parseDurationList, STANDARD_RETRY_SCHEDULE_MS } from '../../src/notify/retry-schedule.ts';

describe('the default retry schedule', () => {
  it("is Standard Webhooks' 5s, 5m, 30m, 2h, 5h, 10h, 10h: about 27 h over eight attempts", () => {
    expect(formatDurationList(STANDARD_RETRY_SCHEDULE_MS)).toBe('5s,5m,30m,2h,5h,10h,10h');
    const totalH = STANDARD_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(totalH).toBeGreaterThan(27);
    expect(totalH).toBeLessThan(28);
  });
});

describe('nextAttemptDelayMs', () => {
  const schedule = [1_000, 60_000];

  it('waits the delay of the attempt just made, within ±10 % jitter', () => {
    expect(nextAttemptDelayMs({ attempts: 1, scheduleMs: schedule, random: () => 0.5 })).toBe(1_000);
    expect(nextAttemptDelayMs({ attempts: 2, scheduleMs: schedule, random: () => 0 })).toBe(54_000);
    expect(nextAttemptDelayMs({ attempts: 2, scheduleMs: schedule, random: () => 0.999999 })).toBe(66_000);
  });

  it('gives up (null) once every retry of the schedule is spent', () => {
    expect(nextAttemptDelayMs({ attempts: 3, scheduleMs: schedule })).toBeNull();
    expect(nextAttemptDelayMs({ attempts: 1, scheduleMs: [] })).toBeNull();
  });

  describe('when the receiver sent Retry-After', () => {
    it('never comes back sooner than it asked', () => {
      expect(nextAttemptDelayMs({ attempts: 1, scheduleMs: schedule, retryAfterMs: 30_000, random: () => 0.5 })).toBe(30_000);
    });

    it('keeps the schedule when it asked for less, and caps a request over a day', () => {
      expect(nextAttemptDelayMs({ attempts: 2, scheduleMs: schedule, retryAfterMs: 2_000, random: () => 0.5 })).toBe(60_000);
      expect(nextAttemptDelayMs({ attempts: 1, scheduleMs: schedule, retryAfterMs: 10 * MAX_RETRY_AFTER_MS, random: () => 0.5 })).toBe(MAX_RETRY_AFTER_MS);
    });
  });
});

describe('parseDurationList', () => {
  it('reads ms, s, m, h and d', () => {
    expect(parseDurationList('250ms, 5s,5m,2h,1d,1.5s')).toEqual([250, 5_000, 300_000, 7_200_000, 86_400_000, 1_500]);
  });

  it.each([
    ['', 'comma-separated list'],
    ['5s,,5m', 'comma-separated list'],
    ['5 minutes', '"5 minutes" is not a duration'],
    ['-5s', '"-5s" is not a duration'],
  ])('refuses %j', (text, message) => {
    expect(() => parseDurationList(text)).toThrow(message);
  });
});
