/**
 * The one interface every way of fetching a Senate page implements: the undici transport,
 * the Chromium transport, and the polite fetcher that wraps either with robots.txt, the
 * fleet-wide rate budget, the circuit breaker and retries.
 */

export interface ConditionalValidators {
  /** Sent as If-None-Match. */
  etag?: string | null;
  /** Sent as If-Modified-Since. */
  lastModified?: string | null;
}

export interface FetchRequest {
  url: string;
  /** From the last stored fetch; a match gives a 304 (`notModified: true`). */
  validators?: ConditionalValidators | null;
  signal?: AbortSignal;
  /**
   * Transports call this before following each redirect hop (not before the first
   * request), with the hop's absolute URL. The polite fetcher uses it to charge every hop
   * to the rate budget. A rejection aborts the attempt with that error. Time spent here
   * counts against the attempt's total timeout (FETCH_TIMEOUT_MS).
   */
  beforeRedirect?: (url: string) => Promise<void>;
  /**
   * Incremented by the polite fetcher for every request it sends on behalf of this one
   * (attempts and redirect hops), failed or not: a job's request count, retries included.
   */
  meter?: { requests: number };
}

export interface FetchResponse {
  /** The URL asked for. */
  url: string;
  /** The URL after redirects. */
  finalUrl: string;
  status: number;
  /** Lower-case names; repeated headers joined with ", ". As received (Content-Encoding too). */
  headers: Record<string, string>;
  /** Raw bytes, already decompressed (Content-Encoding undone), not decoded to text. Empty on 304. */
  body: Buffer;
  notModified: boolean;
  fetchedAt: Date;
  durationMs: number;
  /** Attempts made (1 for a transport; more when the polite fetcher retried). */
  attempts: number;
}

export interface Fetcher {
  fetch(req: FetchRequest): Promise<FetchResponse>;
  /** Idempotent: later calls return the first call's promise. */
  close(): Promise<void>;
}

/** Returns the promise of the first call on every call: the idempotent-close pattern. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | null = null;
  return () => (p ??= fn());
}

/** Sleeps `ms`, rejecting with the signal's reason on abort. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
