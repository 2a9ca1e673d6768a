/**
 * What the two transports (undici in http-fetcher.ts, Chromium in browser-fetcher.ts) share
 * about one attempt, written once: which statuses redirect, where a redirect may go (the
 * Senate's host, http or https, at most MAX_REDIRECTS hops), how headers are flattened, and
 * how the final status becomes a response or an HttpStatusError.
 */
import { HttpStatusError, OffHostRedirectError, TooManyRedirectsError, parseRetryAfter } from './errors.ts';
import type { FetchResponse } from './fetcher.ts';

export const MAX_REDIRECTS = 5;

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
  if (!notModified && (r.status < 200 || r.status > 299)) throw new HttpStatusError(r.status, r.finalUrl, parseRetryAfter(r.headers['retry-after']));
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
