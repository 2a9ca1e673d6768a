/**
 * ONE politeness budget for the whole fleet. `crawlRatePerSec` is the total request rate to
 * the Senate across every worker process and every queue (BullMQ's limiter is per queue,
 * so it cannot be this). Every HTTP request (page, redirect hop, robots.txt, retry)
 * calls `acquire()` first.
 *
 * Algorithm, two Lua scripts per request, both on Redis `TIME` so that the hosts' clocks
 * do not matter:
 * 1. RESERVE (GCRA with a burst of one): Redis keeps the next free slot per host; the
 *    caller gets the slot `max(now, nextFree, pausedUntil)`, `nextFree` moves one
 *    interval on, and the caller sleeps until its slot. This queues the fleet's callers
 *    fairly and spreads them out.
 * 2. COMMIT: when it wakes, the caller asks Redis to record "sent now". Redis refuses
 *    (and says how long to wait) if the last recorded send is less than one interval ago,
 *    or if a pause (429, open circuit) began meanwhile (then the caller reserves again,
 *    behind the pause). A caller that woke late (busy event loop, slow process start)
 *    therefore cannot bunch up with the next one: recorded sends are at least `interval`
 *    apart whatever the number of processes, so any one-second window holds at most
 *    `rate` requests (plus the jitter between the commit and the request's first byte).
 *
 * The interval is `max(1000 / crawlRatePerSec, crawlDelay)` (robots.txt's Crawl-delay
 * lowers the rate, never raises it). Rate 0 = unlimited, but the pause still holds.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sleep } from './fetcher.ts';

export interface AcquireOptions {
  /** Host whose budget is charged (the Senate's hostname). */
  host: string;
  /** A larger minimum spacing than the configured rate, e.g. robots.txt Crawl-delay in ms. */
  minIntervalMs?: number;
  signal?: AbortSignal;
}

export interface RateLimiter {
  /** Waits until this caller may send one request. Resolves with the ms waited. Rejects with the signal's reason on abort. */
  acquire(opts: AcquireOptions): Promise<number>;
  /** Pauses the host for everyone until `untilMs` (epoch ms, local clock). Only ever extends a pause. */
  pauseUntil(host: string, untilMs: number): Promise<void>;
  /** The current pause's end (epoch ms, local clock) or null. */
  pausedUntil(host: string): Promise<number | null>;
  close(): Promise<void>;
}

/** ms between two requests: the configured rate, lowered by Crawl-delay. 0 = unlimited. */
export function intervalMs(ratePerSec: number, minIntervalMs = 0): number {
  const fromRate = ratePerSec > 0 ? 1000 / ratePerSec : 0;
  return Math.max(fromRate, minIntervalMs, 0);
}

/** Upper bound on one sleep, so a process re-checks the shared state now and then. */
const MAX_SLEEP_MS = 5_000;

/**
 * KEYS[1] next free slot (µs, Redis clock), KEYS[2] pause end (µs, Redis clock).
 * ARGV[1] interval µs, ARGV[2] longest pause (µs) behind which a slot is still reserved;
 * behind a longer pause nothing is reserved (waiting callers must not pile up slots).
 * Returns {wait µs, 1 if no slot was reserved}.
 */
const RESERVE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause - now > tonumber(ARGV[2]) then return {math.floor(pause - now), 1} end
local start = now
if nextFree > start then start = nextFree end
if pause > start then start = pause end
if interval > 0 then
  local ttl = math.floor((start + interval - now) / 1000) + 60000
  redis.call('SET', KEYS[1], string.format('%d', start + interval), 'PX', ttl)
end
return {math.floor(start - now), 0}
`;

/** KEYS[1] pause end (µs). ARGV[1] pause duration in ms from Redis now. Extends only. Returns remaining pause ms. */
const PAUSE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local untilUs = now + tonumber(ARGV[1]) * 1000
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilUs > cur then
  redis.call('SET', KEYS[1], string.format('%d', untilUs), 'PX', math.floor(tonumber(ARGV[1])) + 60000)
  cur = untilUs
end
return math.floor((cur - now) / 1000)
`;

/**
 * KEYS[1] last recorded send (µs), KEYS[2] pause end (µs). ARGV[1] interval µs.
 * Returns {0, 0}: go (recorded); {wait µs, 1}: too close to the last send; {wait µs, 2}: paused.
 */
const COMMIT_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now then return {math.floor(pause - now), 2} end
local interval = tonumber(ARGV[1])
if interval > 0 then
  local last = tonumber(redis.call('GET', KEYS[1]) or '0')
  if now - last < interval then return {math.floor(interval - (now - last)) + 1, 1} end
  redis.call('SET', KEYS[1], string.format('%d', now), 'PX', math.floor(interval / 1000) + 60000)
end
return {0, 0}
`;

/** KEYS[1] pause end (µs). Returns remaining pause ms (0 when none). */
const PAUSE_LEFT_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if cur <= now then return 0 end
return math.floor((cur - now) / 1000)
`;

/** Runs a Lua script by SHA, loading it on NOSCRIPT (after a Redis restart or on a fresh server). */
export async function runScript(redis: Redis, lua: string, keys: string[], args: (string | number)[]): Promise<unknown> {
  const sha = createHash('sha1').update(lua).digest('hex');
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
    return redis.eval(lua, keys.length, ...keys, ...args);
  }
}

export interface RedisRateLimiterOptions {
  redis: Redis;
  /** Total requests per second per host for the whole fleet. 0 = unlimited. */
  ratePerSec: number;
  /** Key prefix shared by the fleet, e.g. `sq:crawl:`. */
  keyPrefix: string;
}

/** The fleet-wide limiter: every process sharing `keyPrefix` shares one budget. Does not own the Redis connection. */
export class RedisRateLimiter implements RateLimiter {
  constructor(private readonly opts: RedisRateLimiterOptions) {}

  private keys(host: string): [string, string, string] {
    const base = `${this.opts.keyPrefix}rate:${host}`;
    return [`${base}:next`, `${base}:pause`, `${base}:last`];
  }

  async acquire({ host, minIntervalMs = 0, signal }: AcquireOptions): Promise<number> {
    const started = performance.now();
    const [nextKey, pauseKey, lastKey] = this.keys(host);
    const intervalUs = Math.round(intervalMs(this.opts.ratePerSec, minIntervalMs) * 1000);
    reserve: for (;;) {
      signal?.throwIfAborted();
      const [waitUs, unreserved] = (await runScript(this.opts.redis, RESERVE_LUA, [nextKey, pauseKey], [intervalUs, MAX_SLEEP_MS * 1000])) as [number, number];
      const waitMs = waitUs / 1000;
      if (unreserved === 1) {
        // A long pause: sleep a while and ask again (the pause may be extended meanwhile).
        await sleep(Math.min(waitMs, MAX_SLEEP_MS), signal);
        continue;
      }
      await sleep(waitMs, signal);
      for (;;) {
        const [commitWaitUs, verdict] = (await runScript(this.opts.redis, COMMIT_LUA, [lastKey, pauseKey], [intervalUs])) as [number, number];
        if (verdict === 0) return performance.now() - started;
        // A pause that began while we slept wins over our slot: reserve again behind it.
        if (verdict === 2) continue reserve;
        signal?.throwIfAborted();
        await sleep(commitWaitUs / 1000, signal);
      }
    }
  }

  async pauseUntil(host: string, untilMs: number): Promise<void> {
    const durationMs = Math.ceil(untilMs - Date.now());
    if (durationMs <= 0) return;
    await runScript(this.opts.redis, PAUSE_LUA, [this.keys(host)[1]], [durationMs]);
  }

  async pausedUntil(host: string): Promise<number | null> {
    const left = Number(await runScript(this.opts.redis, PAUSE_LEFT_LUA, [this.keys(host)[1]], []));
    return left > 0 ? Date.now() + left : null;
  }

  async close(): Promise<void> {}
}

export interface LocalRateLimiterOptions {
  /** Requests per second per host for this process. 0 = unlimited. */
  ratePerSec: number;
  /** Injectable clock (epoch ms) for tests. */
  now?: () => number;
}

/** The same semantics in one process (embedded mode, no Redis). */
export class LocalRateLimiter implements RateLimiter {
  private readonly nextFree = new Map<string, number>();
  private readonly lastSent = new Map<string, number>();
  private readonly pauses = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly opts: LocalRateLimiterOptions) {
    this.now = opts.now ?? (() => Date.now());
  }

  async acquire({ host, minIntervalMs = 0, signal }: AcquireOptions): Promise<number> {
    const started = performance.now();
    const interval = intervalMs(this.opts.ratePerSec, minIntervalMs);
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      const pause = this.pauses.get(host) ?? 0;
      if (pause - now > MAX_SLEEP_MS) {
        await sleep(Math.min(pause - now, MAX_SLEEP_MS), signal);
        continue;
      }
      const start = Math.max(now, this.nextFree.get(host) ?? 0, pause);
      if (interval > 0) this.nextFree.set(host, start + interval);
      await sleep(start - now, signal);
      // Commit: spaced from the last send even if we woke late; a new pause sends us back to reserve.
      for (;;) {
        const at = this.now();
        if ((this.pauses.get(host) ?? 0) > at) break;
        const since = at - (this.lastSent.get(host) ?? Number.NEGATIVE_INFINITY);
        if (interval <= 0 || since >= interval) {
          this.lastSent.set(host, at);
          return performance.now() - started;
        }
        await sleep(interval - since, signal);
      }
    }
  }

  async pauseUntil(host: string, untilMs: number): Promise<void> {
    if (untilMs > (this.pauses.get(host) ?? 0)) this.pauses.set(host, untilMs);
  }

  async pausedUntil(host: string): Promise<number | null> {
    const p = this.pauses.get(host) ?? 0;
    return p > this.now() ? p : null;
  }

  async close(): Promise<void> {}
}
