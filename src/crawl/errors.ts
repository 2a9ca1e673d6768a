/**
 * Everything that can go wrong while fetching from the Senate, as classes with readonly
 * fields, and the ONE place that decides whether a failure is worth retrying
 * (`isRetryable`, in the spirit of Crawlee's `canRequestBeRetried`). The polite fetcher's
 * p-retry loop and the job layer (BullMQ attempts / `UnrecoverableError`) both ask it.
 */
import { isDbUnavailable } from '../store/db-errors.ts';

/** The server answered with a status we do not accept (anything but 2xx and 304). */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly url: string,
    /** From `Retry-After` (delta-seconds or HTTP date), in ms from when the response arrived. */
    readonly retryAfterMs: number | null,
    options?: ErrorOptions,
  ) {
    super(`HTTP ${status} for ${url}${retryAfterMs !== null ? ` (Retry-After ${retryAfterMs} ms)` : ''}`, options);
  }
}

/** Opening the connection (`connect`) or the whole attempt, redirects included (`total`), took too long. */
export class FetchTimeoutError extends Error {
  override readonly name = 'FetchTimeoutError';
  constructor(
    readonly url: string,
    readonly phase: 'connect' | 'total',
    options?: ErrorOptions,
  ) {
    super(`${phase === 'connect' ? 'connect' : 'request'} timeout for ${url}`, options);
  }
}

/** The connection failed: refused, reset, DNS failure, malformed response, socket closed. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly url: string,
    /** `ECONNRESET`, `ECONNREFUSED`, `UND_ERR_SOCKET`, `ERR_CONNECTION_REFUSED` (browser)… */
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(`network error ${code} for ${url}`, options);
  }
}

/** The body (after decompression) is larger than MAX_BODY_BYTES. Not retried: it will not shrink. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(
    readonly url: string,
    readonly limit: number,
    options?: ErrorOptions,
  ) {
    super(`body of ${url} exceeds ${limit} bytes`, options);
  }
}

/** The body ended before its Content-Length: the connection dropped mid-transfer. */
export class TruncatedBodyError extends Error {
  override readonly name = 'TruncatedBodyError';
  constructor(
    readonly url: string,
    readonly expectedBytes: number | null,
    readonly receivedBytes: number | null,
    options?: ErrorOptions,
  ) {
    super(`body of ${url} truncated (Content-Length ${expectedBytes ?? '?'}, received ${receivedBytes ?? '?'})`, options);
  }
}

/** A redirect pointed away from the Senate's host. We only ever crawl the Senate. */
export class OffHostRedirectError extends Error {
  override readonly name = 'OffHostRedirectError';
  constructor(
    readonly url: string,
    readonly location: string,
    options?: ErrorOptions,
  ) {
    super(`redirect from ${url} leaves the Senate host: ${location}`, options);
  }
}

/** A request for a URL that is not on the Senate's host at all (a programming or data error). */
export class OffHostRequestError extends Error {
  override readonly name = 'OffHostRequestError';
  constructor(
    readonly url: string,
    readonly allowedHost: string,
  ) {
    super(`refusing to fetch ${url}: only ${allowedHost} is crawled`);
  }
}

/** More redirects than we follow (5), or a redirect without a usable Location. */
export class TooManyRedirectsError extends Error {
  override readonly name = 'TooManyRedirectsError';
  constructor(
    readonly url: string,
    readonly hops: number,
    options?: ErrorOptions,
  ) {
    super(`too many redirects (${hops}) from ${url}`, options);
  }
}

/** robots.txt forbids this URL for our user agent. */
export class RobotsDisallowedError extends Error {
  override readonly name = 'RobotsDisallowedError';
  constructor(readonly url: string) {
    super(`robots.txt disallows ${url}`);
  }
}

/**
 * robots.txt could not be read (5xx, timeout, network): RFC 9309 §2.3.1.4 says to assume
 * complete disallow until it can be read again. Temporary, so retryable.
 */
export class RobotsUnreachableError extends Error {
  override readonly name = 'RobotsUnreachableError';
  constructor(
    readonly url: string,
    readonly robotsUrl: string,
    /** When the next attempt to read robots.txt may happen (epoch ms). */
    readonly untilMs: number,
    options?: ErrorOptions,
  ) {
    super(`robots.txt at ${robotsUrl} is unreachable; not crawling ${url} until it can be read`, options);
  }
}

/** The fleet's circuit breaker is open: the Senate kept failing and everyone is paused. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor(
    /** When the circuit half-opens (epoch ms, local clock). */
    readonly untilMs: number,
    options?: ErrorOptions,
  ) {
    super(`circuit open until ${new Date(untilMs).toISOString()}`, options);
  }
}

/**
 * Our own Redis (the fleet's rate limiter and circuit breaker) is away: ioredis gave up on a
 * command while reconnecting ("Reached the max retries per request limit"), or the connection
 * is closed. By name and message: importing ioredis here would load it for every command.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    /Reached the max retries per request limit|Connection is closed|Stream isn't writeable|enableOfflineQueue options is false/i.test(err.message)
  );
}

/**
 * THE retry decision. Yes: timeouts, network errors, truncated bodies, 5xx, 408, 429,
 * an open circuit, unreachable robots.txt, and our own services being away (the database:
 * DbUnavailableError; Redis). No: other 4xx (404!), robots disallow, off-host, too large,
 * too many redirects, caller aborts, and anything unknown (a parse failure will fail the
 * same way next time).
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof HttpStatusError) return err.status >= 500 || err.status === 429 || err.status === 408;
  return (
    isDbUnavailable(err) ||
    isRedisUnavailable(err) ||
    err instanceof FetchTimeoutError ||
    err instanceof NetworkError ||
    err instanceof TruncatedBodyError ||
    err instanceof CircuitOpenError ||
    err instanceof RobotsUnreachableError
  );
}

/** How long the server (or the fleet) asked us to wait before trying again, or null. */
export function retryAfterMs(err: unknown, now: number = Date.now()): number | null {
  if (err instanceof HttpStatusError) return err.retryAfterMs;
  if (err instanceof CircuitOpenError || err instanceof RobotsUnreachableError) return Math.max(0, err.untilMs - now);
  return null;
}

/** Does this failure say the Senate itself is unwell (feeds the circuit breaker)? 429 is politeness, not sickness. */
export function isServerFailure(err: unknown): boolean {
  if (err instanceof HttpStatusError) return err.status >= 500;
  return err instanceof FetchTimeoutError || err instanceof NetworkError || err instanceof TruncatedBodyError;
}

/** Connection-level codes: the host itself did not answer, whatever the page asked for. */
const HOST_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_CONNECTION_REFUSED', 'ERR_NAME_NOT_RESOLVED', 'ERR_ADDRESS_UNREACHABLE']);

/**
 * Does this failure say nothing about the page and everything about the host (connection
 * refused, no DNS answer, connect timeout)? The circuit breaker probes the host at once on one
 * of these, while page failures (5xx, slow or cut responses) only count by distinct URL.
 */
export function isHostFailure(err: unknown): boolean {
  if (err instanceof FetchTimeoutError) return err.phase === 'connect';
  return err instanceof NetworkError && HOST_CODES.has(err.code);
}

/**
 * Parses a Retry-After header: delta-seconds or an HTTP date. Returns ms (≥ 0) or null when
 * absent or unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/**
 * The Senate has not answered for longer than SENATE_GIVE_UP_MS (the fleet's circuit stayed
 * open or half-open all that time). Not retryable: the run fails with this reason instead of
 * waiting forever.
 */
export class SenateUnreachableError extends Error {
  override readonly name = 'SenateUnreachableError';
  constructor(
    /** The host, or SENATE_BASE_URL when the polite fetcher knows it. */
    readonly target: string,
    /** Since when the Senate has been failing (epoch ms). */
    readonly sinceMs: number,
    /** The last failure seen, for the message. */
    readonly reason: string | null,
    readonly giveUpMs: number,
    options?: ErrorOptions,
  ) {
    const secs = Math.round((Date.now() - sinceMs) / 1000);
    super(
      `the Senate at ${target} (SENATE_BASE_URL) is unreachable: no answer for ${secs} s, since ${new Date(sinceMs).toISOString()} ` +
        `(giving up after SENATE_GIVE_UP_MS=${giveUpMs})${reason ? `; last error: ${reason}` : ''}`,
      options,
    );
  }
}
