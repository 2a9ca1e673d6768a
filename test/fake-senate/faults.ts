/**
 * Faults injected on demand: each rule matches requests by URL and/or a seeded fraction,
 * optionally a limited number of times, and says what goes wrong. The first rule that
 * matches a request wins.
 */
import type { Markup } from './markup.ts';
import { createRng, type Rng } from './rng.ts';

export type FaultAction =
  /** An error status, default 500, with a short HTML body. */
  | { kind: 'status'; status?: number }
  /** 429 with `Retry-After`: a number of seconds, or a Date sent as an HTTP date. */
  | { kind: 'rate-limit'; retryAfter: number | Date }
  /** The response is held back `delayMs` before it starts (use more than the client's timeout to make it time out). */
  | { kind: 'slow'; delayMs: number }
  /** The TCP connection is reset before any byte of the response. */
  | { kind: 'reset' }
  /**
   * Part of the body is sent (the first `at`, default 0.5), then:
   * - `destroy` (default): Content-Length announces the whole body and the socket is destroyed
   *   (the client sees a premature close);
   * - `end`: the response ends cleanly without Content-Length (the client sees a short but
   *   "complete" body whose document is not closed);
   * - `close`: the cut moves back to the end of the last tag before it and `</body></html>` is
   *   appended, with a matching Content-Length: a short page that is well-formed to the end.
   */
  | { kind: 'truncate'; then?: 'end' | 'destroy' | 'close'; at?: number }
  /** The header announces `charset` (default utf-8) while the body stays windows-1252. */
  | { kind: 'wrong-charset'; charset?: string }
  /** The question page is rendered in another markup for this request. */
  | { kind: 'markup'; markup: Markup }
  /** 200 with `bytes` (default 4096) random bytes, announced as `text/html`. */
  | { kind: 'garbage'; bytes?: number }
  /**
   * 200 with a binary document instead of the page: a small PDF (default) or a gzip stream (no
   * Content-Encoding), announced as `contentType` (default `application/pdf` /
   * `application/gzip`; pass `text/html` for a server that lies).
   */
  | { kind: 'binary'; format?: 'pdf' | 'gzip'; contentType?: string }
  /**
   * A Cloudflare-style browser check ("Just a moment..." / "Checking your browser before
   * accessing"), with `status` 403 (default), 503 or 200, `Server: cloudflare` and
   * `cf-mitigated: challenge`.
   */
  | { kind: 'challenge'; status?: 403 | 503 | 200 }
  /**
   * The question page with NUL characters in its question text: a raw 0x00 byte in one word
   * and a `&#0;` reference in another. Stripping both gives the page back. Other pages: no effect.
   */
  | { kind: 'nul' }
  /** 200 with the Senate's "no data" error text in the page template, as for a number that does not exist. */
  | { kind: 'error-page' };

export type FaultKind = FaultAction['kind'];

export type UrlPredicate = string | RegExp | ((url: string) => boolean);

export type FaultRule = FaultAction & {
  /** Which requests: a substring of the path+query, a RegExp on it, or a predicate. Default: all. */
  match?: UrlPredicate;
  /** Fraction of the matching requests to hit, drawn from a PRNG seeded by `seed` (deterministic). Default 1. */
  fraction?: number;
  /** At most this many hits; then the rule is spent. Default unlimited. */
  count?: number;
  /** Seed of the fraction's PRNG. Default 1. */
  seed?: number;
};

export interface FaultHandle {
  /** How many requests this rule has hit so far. */
  readonly hits: number;
  remove(): void;
}

interface ActiveRule {
  rule: FaultRule;
  rng: Rng;
  hits: number;
  removed: boolean;
}

export class FaultBook {
  #rules: ActiveRule[] = [];

  add(rule: FaultRule): FaultHandle {
    const active: ActiveRule = { rule, rng: createRng(rule.seed ?? 1), hits: 0, removed: false };
    this.#rules.push(active);
    return {
      get hits() {
        return active.hits;
      },
      remove: () => {
        active.removed = true;
        this.#rules = this.#rules.filter((r) => r !== active);
      },
    };
  }

  clear(): void {
    this.#rules = [];
  }

  /** The fault for this request, counting the hit, or null. */
  pick(url: string): FaultAction | null {
    for (const r of this.#rules) {
      if (r.rule.count !== undefined && r.hits >= r.rule.count) continue;
      if (!matches(r.rule.match, url)) continue;
      if (r.rule.fraction !== undefined && r.rng.next() >= r.rule.fraction) continue;
      r.hits++;
      return r.rule;
    }
    return null;
  }
}

function matches(p: UrlPredicate | undefined, url: string): boolean {
  if (p === undefined) return true;
  if (typeof p === 'string') return url.includes(p);
  if (p instanceof RegExp) {
    p.lastIndex = 0;
    return p.test(url);
  }
  return p(url);
}
