/**
 * What the two transports (undici in http-fetcher.ts, Chromium in browser-fetcher.ts) share
 * about one attempt, written once: which statuses redirect, where a redirect may go (the
 * Senate's host, http or https, at most MAX_REDIRECTS hops), how headers are flattened, and
 * how the final status becomes a response or an HttpStatusError.
 */
import { HttpStatusError, OffHostRedirectError, TooManyRedirectsError, parseRetryAfter } from './errors.ts';
import type { FetchResponse } from './fetcher.ts';

export const MAX_REDIRECTS = 5;

/**
 * An error status that is a bot challenge put in front of the site (Cloudflare's
 * `cf-mitigated: challenge`, its "Just a moment..." page) rather than the page's own answer:
 * a passing state of the path to the Senate, worth another attempt of the job later, unlike
 * a plain 403.
 */
export class ChallengeError extends HttpStatusError {
  readonly challenge = true;
  constructor(status: number, url: string, retryAfterMs: number | null) {
    super(status, url, retryAfterMs);
    this.message = `${this.message} (a browser challenge page, not the Senate's answer)`;
  }
}

const CHALLENGE_BODY = /Just a moment\.\.\.|challenge-platform|__cf_chl|Checking your browser/i;

function isChallenge(headers: Record<string, string>, body: Buffer): boolean {
  if (/\bchallenge\b/i.test(headers['cf-mitigated'] ?? '')) return true;
  return CHALLENGE_BODY.test(body.subarray(0, 8192).toString('latin1'));
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/** Header entries → lower-case names, values of a repeated name joined with ", ". */
export function flattenHeaders(entries: Iterable<readonly [name: string, value: string | readonly string[] | undefined]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const k = name.toLowerCase();
    const v = typeof value === 'string' ? value : value.join(', ');
    out[k] = out[k] === undefined ? v : `${out[k]}, ${v}`;
  }
  return out;
}

/**
 * The URL a redirect hop goes to, or the error that stops it: off the Senate's host (or not
 * http/https, or unparsable) is OffHostRedirectError, more than MAX_REDIRECTS hops is
 * TooManyRedirectsError. `hop` counts from 1; `requested` is the URL first asked for.
 */
export function redirectTarget(opts: { from: string; location: string; host: string; hop: number; requested: string }): URL {
  let next: URL;
  try {
    next = new URL(opts.location, opts.from);
  } catch (err) {
    throw new OffHostRedirectError(opts.from, opts.location, { cause: err });
  }
  if (next.hostname.toLowerCase() !== opts.host || !/^https?:$/.test(next.protocol)) throw new OffHostRedirectError(opts.from, next.href);
  if (opts.hop > MAX_REDIRECTS) throw new TooManyRedirectsError(opts.requested, opts.hop);
  return next;
}

/**
 * The attempt's result from its final (non-redirect) status: a 304 (not modified, no body), a
 * 2xx response, or an HttpStatusError carrying Retry-After. `startedMs` is performance.now()
 * when the attempt began.
 */
export function finalResponse(r: {
  url: string;
  finalUrl: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  fetchedAt: Date;
  startedMs: number;
}): FetchResponse {
  const notModified = r.status === 304;
  if (!notModified && (r.status < 200 || r.status > 299)) {
    const retryAfter = parseRetryAfter(r.headers['retry-after']);
    if (r.status >= 400 && r.status < 500 && isChallenge(r.headers, r.body)) throw new ChallengeError(r.status, r.finalUrl, retryAfter);
    throw new HttpStatusError(r.status, r.finalUrl, retryAfter);
  }
  return {
    url: r.url,
    finalUrl: r.finalUrl,
    status: r.status,
    headers: r.headers,
    body: notModified ? Buffer.alloc(0) : r.body,
    notModified,
    fetchedAt: r.fetchedAt,
    durationMs: Math.round(performance.now() - r.startedMs),
    attempts: 1,
  };
}
