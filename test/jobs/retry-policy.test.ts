import { describe, expect, it } from 'vitest';
import { HeldBackError, LanguageFetchError, PageRefusedError } from '../../jobs/fetch-question.ts';
import { ChallengeError } from '../../src/crawl/response.ts';
import { isRetryableJobError, jobBackoffMs, jobRetryAfterMs, RetryJobError } from '../../jobs/index.ts';
import { HttpStatusError, NetworkError } from '../../src/crawl/errors.ts';

const counters = { requests: 1, bytes: 0, notModified: 0 };

describe('the job retry policy', () => {
  it('retries a job when a language failed for a transient reason, not when the page is gone for good', () => {
    expect(isRetryableJobError(new LanguageFetchError('8-1', { fr: new HttpStatusError(503, 'u', null) }, counters))).toBe(true);
    expect(isRetryableJobError(new LanguageFetchError('8-1', { fr: new HttpStatusError(403, 'u', null) }, counters))).toBe(false);
    // A challenge in front of the Senate passes; a page held back or no question page for a known number may be a passing fault.
    expect(isRetryableJobError(new LanguageFetchError('8-1', { fr: new ChallengeError(403, 'u', null) }, counters))).toBe(true);
    expect(isRetryableJobError(new LanguageFetchError('8-1', { nl: new HeldBackError(['answer lost']) }, counters))).toBe(true);
    expect(isRetryableJobError(new LanguageFetchError('8-1', { nl: new PageRefusedError('not a question page', true) }, counters))).toBe(true);
    expect(isRetryableJobError(new LanguageFetchError('8-1', { nl: new PageRefusedError('HTTP 404 while the fr page is served', false) }, counters))).toBe(false);
    expect(isRetryableJobError(new NetworkError('u', 'ECONNRESET'))).toBe(true);
    expect(isRetryableJobError(new Error('parser bug'))).toBe(false);
  });

  it('waits at least as long as the longest Retry-After of the failed languages', () => {
    const err = new LanguageFetchError('8-1', { fr: new HttpStatusError(429, 'u', 90_000), nl: new HttpStatusError(429, 'u', 120_000) }, counters);
    expect(jobRetryAfterMs(err)).toBe(120_000);
    const retry = new RetryJobError('x', jobRetryAfterMs(err));
    expect(jobBackoffMs(1, retry)).toBe(120_000);
  });

  it('backs off exponentially with jitter otherwise', () => {
    for (const attempt of [1, 2, 3, 4]) {
      const ms = jobBackoffMs(attempt, new RetryJobError('x', null));
      expect(ms).toBeGreaterThanOrEqual(1_000 * 2 ** (attempt - 1));
      expect(ms).toBeLessThanOrEqual(2_000 * 2 ** (attempt - 1));
    }
    expect(jobBackoffMs(30)).toBeLessThanOrEqual(300_000);
  });
});
