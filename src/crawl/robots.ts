/**
 * robots.txt (RFC 9309): read once per host and cached (1 h by default; optionally shared
 * through Redis so the fleet reads it once), the group for our product token
 * `senate-questions` or else `*`, Allow/Disallow with `*` and `$`, longest match wins,
 * a tie goes to Allow; Crawl-delay (not in the RFC, but honoured) lowers our rate.
 *
 * Status handling, the conservative standard behaviour (RFC 9309 §2.3.1):
 * - 2xx: parse the file (the first 500 KiB).
 * - 4xx (404, 401, 403, 410…): "unavailable": crawl everything.
 * - 5xx, timeouts, network errors: "unreachable": assume COMPLETE DISALLOW. We do not
 *   crawl; requests fail with the retryable RobotsUnreachableError and robots.txt is read
 *   again after a short delay (1 min by default).
 * - A redirect off the Senate host: treated as unavailable (the other host's rules do not
 *   govern the Senate), with a warning.
 */
import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../util/logger.ts';
import { OffHostRedirectError, RobotsDisallowedError, RobotsUnreachableError, TooManyRedirectsError } from './errors.ts';
import type { FetchResponse } from './fetcher.ts';

export const PRODUCT_TOKEN = 'senate-questions';
const MAX_ROBOTS_BYTES = 500 * 1024;

export interface RobotsRule {
  allow: boolean;
  pattern: string;
}

export interface RobotsPolicy {
  rules: RobotsRule[];
  /** Crawl-delay in ms, or null. */
  crawlDelayMs: number | null;
}

/** What we know about a host's robots.txt. */
export type RobotsState =
  | { kind: 'rules'; policy: RobotsPolicy }
  | { kind: 'allow-all' }
  | { kind: 'unreachable' };

/** Parses robots.txt and picks the rules for `productToken` (else `*`). Pure. */
export function parseRobots(text: string, productToken: string = PRODUCT_TOKEN): RobotsPolicy {
  const token = productToken.toLowerCase();
  type Group = { agents: string[]; rules: RobotsRule[]; crawlDelayMs: number | null };
  const groups: Group[] = [];
  let current: Group | null = null;
  let lastWasAgent = false;
  for (const rawLine of text.slice(0, MAX_ROBOTS_BYTES).split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/#.*$/, '').trim();
    const m = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'user-agent') {
      if (!lastWasAgent || !current) {
        current = { agents: [], rules: [], crawlDelayMs: null };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (!current) continue; // rules before any User-agent line belong to no group
    if (key === 'allow' || key === 'disallow') {
      if (value === '') continue; // "Disallow:" with no path allows everything: no rule
      current.rules.push({ allow: key === 'allow', pattern: normalisePattern(value) });
    } else if (key === 'crawl-delay') {
      const seconds = Number(value);
      if (Number.isFinite(seconds) && seconds >= 0) current.crawlDelayMs = Math.max(current.crawlDelayMs ?? 0, seconds * 1000);
    }
  }
  // RFC 9309 §2.2.1: the product token matches case-insensitively; several matching groups merge.
  const ours = groups.filter((g) => g.agents.includes(token));
  const chosen = ours.length > 0 ? ours : groups.filter((g) => g.agents.includes('*'));
  const delays = chosen.map((g) => g.crawlDelayMs).filter((d): d is number => d !== null);
  return { rules: chosen.flatMap((g) => g.rules), crawlDelayMs: delays.length > 0 ? Math.max(...delays) : null };
}

/** Percent-encodes characters outside ASCII so patterns and URLs compare in one form. */
function normalisePattern(p: string): string {
  return p.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
}

function patternMatches(pattern: string, path: string): boolean {
  const anchored = pattern.endsWith('$');
  const body = anchored ? pattern.slice(0, -1) : pattern;
  const re = body.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${re}${anchored ? '$' : ''}`).test(path);
}

/** Is `pathAndQuery` (e.g. `/www/?MIval=…`) allowed? Longest matching pattern wins; a tie goes to Allow. */
export function isAllowedByPolicy(policy: RobotsPolicy, pathAndQuery: string): boolean {
  if (pathAndQuery === '/robots.txt') return true;
  const path = normalisePattern(pathAndQuery);
  let best: RobotsRule | null = null;
  for (const rule of policy.rules) {
    if (!patternMatches(rule.pattern, path)) continue;
    if (!best || rule.pattern.length > best.pattern.length || (rule.pattern.length === best.pattern.length && rule.allow)) best = rule;
  }
  return best ? best.allow : true;
}

export interface RobotsCheckerOptions {
  /** Fetches robots.txt with one polite attempt (rate budget charged). Must reject with our error classes. */
  fetchRobots: (robotsUrl: string, meter?: { requests: number }) => Promise<FetchResponse>;
  /** Share the parsed state through Redis (optional). */
  redis?: Redis | null;
  keyPrefix?: string;
  /** How long a successfully read (or 4xx) robots.txt is trusted. Default 1 h. */
  ttlMs?: number;
  /** How long "unreachable" (complete disallow) lasts before robots.txt is read again. Default 60 s. */
  unreachableTtlMs?: number;
  productToken?: string;
  logger?: Logger;
  now?: () => number;
}

interface CacheEntry {
  state: RobotsState;
  expiresAt: number;
}

export class RobotsChecker {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<CacheEntry>>();
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly opts: RobotsCheckerOptions) {
    this.log = (opts.logger ?? silentLogger).child({ component: 'robots' });
    this.now = opts.now ?? (() => Date.now());
  }

  /**
   * Throws RobotsDisallowedError / RobotsUnreachableError; otherwise returns the host's
   * Crawl-delay (ms or null). A read of robots.txt made for this call counts in `meter`.
   */
  async check(url: string, meter?: { requests: number }): Promise<{ crawlDelayMs: number | null }> {
    const u = new URL(url);
    const entry = await this.entry(u.origin, meter);
    if (entry.state.kind === 'unreachable') throw new RobotsUnreachableError(url, `${u.origin}/robots.txt`, entry.expiresAt);
    if (entry.state.kind === 'allow-all') return { crawlDelayMs: null };
    if (!isAllowedByPolicy(entry.state.policy, `${u.pathname}${u.search}`)) throw new RobotsDisallowedError(url);
    return { crawlDelayMs: entry.state.policy.crawlDelayMs };
  }

  /** The Crawl-delay currently known for the origin (no fetch). */
  crawlDelayMs(origin: string): number | null {
    const e = this.cache.get(origin);
    return e && e.state.kind === 'rules' ? e.state.policy.crawlDelayMs : null;
  }

  /** Reads robots.txt again now, whatever is cached (the circuit breaker's probe); returns what it says. */
  async refresh(robotsUrl: string, meter?: { requests: number }): Promise<RobotsState> {
    return (await this.entry(new URL(robotsUrl).origin, meter, true)).state;
  }

  private async entry(origin: string, meter?: { requests: number }, force = false): Promise<CacheEntry> {
    const hit = this.cache.get(origin);
    if (!force && hit && hit.expiresAt > this.now()) return hit;
    let p = this.inflight.get(origin);
    if (!p) {
      p = this.load(origin, meter, force).finally(() => this.inflight.delete(origin));
      this.inflight.set(origin, p);
    }
    return p;
  }

  private redisKey(origin: string): string {
    return `${this.opts.keyPrefix ?? ''}robots:${origin}`;
  }

  private async load(origin: string, meter: { requests: number } | undefined, force: boolean): Promise<CacheEntry> {
    const { redis } = this.opts;
    if (redis && !force) {
      const shared = await redis.get(this.redisKey(origin)).catch(() => null);
      if (shared) {
        const entry = JSON.parse(shared) as CacheEntry;
        if (entry.expiresAt > this.now()) {
          this.cache.set(origin, entry);
          return entry;
        }
      }
    }
    const state = await this.read(origin, meter);
    const ttl = state.kind === 'unreachable' ? (this.opts.unreachableTtlMs ?? 60_000) : (this.opts.ttlMs ?? 3_600_000);
    const entry: CacheEntry = { state, expiresAt: this.now() + ttl };
    this.cache.set(origin, entry);
    if (redis) await redis.set(this.redisKey(origin), JSON.stringify(entry), 'PX', ttl).catch(() => undefined);
    return entry;
  }

  private async read(origin: string, meter: { requests: number } | undefined): Promise<RobotsState> {
    const robotsUrl = `${origin}/robots.txt`;
    try {
      const res = await this.opts.fetchRobots(robotsUrl, meter);
      const policy = parseRobots(res.body.subarray(0, MAX_ROBOTS_BYTES).toString('utf8'), this.opts.productToken);
      this.log.info({ url: robotsUrl, rules: policy.rules.length, crawlDelayMs: policy.crawlDelayMs }, 'robots.txt read');
      return { kind: 'rules', policy };
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        this.log.info({ url: robotsUrl, status }, 'robots.txt unavailable: crawling allowed');
        return { kind: 'allow-all' };
      }
      if (err instanceof OffHostRedirectError || err instanceof TooManyRedirectsError) {
        this.log.warn({ url: robotsUrl, err: (err as Error).message }, 'robots.txt redirects away: treating it as unavailable');
        return { kind: 'allow-all' };
      }
      this.log.warn({ url: robotsUrl, err: (err as Error).message }, 'robots.txt unreachable: not crawling until it can be read');
      return { kind: 'unreachable' };
    }
  }
}
