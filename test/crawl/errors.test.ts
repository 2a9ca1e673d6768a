import { describe, expect, it } from 'vitest';
import {
  BodyTooLargeError,
  CircuitOpenError,
  FetchTimeoutError,
  HttpStatusError,
  NetworkError,
  OffHostRedirectError,
  RobotsDisallowedError,
  RobotsUnreachableError,
  TooManyRedirectsError,
  TruncatedBodyError,
  isRetryable,
  parseRetryAfter,
  retryAfterMs,
} from '../../src/crawl/errors.ts';

const U = 'http://127.0.0.1/x';

describe('isRetryable', () => {
  it.each([
    ['a total timeout', new FetchTimeoutError(U, 'total')],
    ['a connect timeout', new FetchTimeoutError(U, 'connect')],
    ['a connection reset', new NetworkError(U, 'ECONNRESET')],
    ['a 500', new HttpStatusError(500, U, null)],
    ['a 503', new HttpStatusError(503, U, 5000)],
    ['a 429', new HttpStatusError(429, U, 1000)],
    ['a 408', new HttpStatusError(408, U, null)],
    ['a truncated body', new TruncatedBodyError(U, 100, 10)],
    ['an open circuit', new CircuitOpenError(Date.now() + 1000)],
    ['an unreachable robots.txt', new RobotsUnreachableError(U, U, Date.now() + 1000)],
  ])('retries %s', (_label, err) => {
    expect(isRetryable(err)).toBe(true);
  });

  it.each([
    ['a 404', new HttpStatusError(404, U, null)],
    ['a 403', new HttpStatusError(403, U, null)],
    ['a 410', new HttpStatusError(410, U, null)],
    ['a robots disallow', new RobotsDisallowedError(U)],
    ['an off-host redirect', new OffHostRedirectError(U, 'http://evil.example/')],
    ['too many redirects', new TooManyRedirectsError(U, 6)],
    ['a body too large', new BodyTooLargeError(U, 1024)],
    ['a parse failure (any unknown error)', new SyntaxError('bad markup')],
    ['a thrown string', 'boom'],
  ])('does not retry %s', (_label, err) => {
    expect(isRetryable(err)).toBe(false);
  });
});

describe('retryAfterMs', () => {
  it('gives the header value of an HttpStatusError', () => {
    expect(retryAfterMs(new HttpStatusError(429, U, 7000))).toBe(7000);
  });

  it('gives the time left on an open circuit', () => {
    expect(retryAfterMs(new CircuitOpenError(10_500), 10_000)).toBe(500);
  });

  it('is null for errors that carry no wait', () => {
    expect(retryAfterMs(new NetworkError(U, 'ECONNRESET'))).toBeNull();
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('Sat, 28 Nov 2026 12:00:00 GMT');
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
  });

  it('never goes negative for a date in the past', () => {
    expect(parseRetryAfter('Sat, 01 Jan 2000 00:00:00 GMT')).toBe(0);
  });

  it('is null when absent or garbage', () => {
    expect(parseRetryAfter(undefined)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});
