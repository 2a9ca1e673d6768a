/**
 * Every request the fake Senate receives, for politeness and conditional-request assertions.
 */

export interface RequestLogEntry {
  /** Arrival time, ms since the epoch with sub-ms precision (performance.timeOrigin + performance.now()). */
  t: number;
  method: string;
  /** Path and query as received, e.g. `/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=8&NR=1&LANG=fr`. */
  url: string;
  /** Status sent; 0 when the connection was reset or closed before any status went out. */
  status: number;
  userAgent: string | null;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
  /** Time from arrival to the end of the response (or the connection's end), ms. */
  ms: number;
  /** The fault injected into this request, if any. */
  fault: string | null;
}

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The largest number of requests that started within any window of `windowMs` (a window
 * [t, t + windowMs) anchored on each request). `maxInWindow(log, 1000)` is "requests per
 * second, at worst".
 */
export function maxInWindow(log: readonly { t: number }[], windowMs: number): number {
  const ts = log.map((e) => e.t).sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < ts.length; hi++) {
    while (ts[hi]! - ts[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
