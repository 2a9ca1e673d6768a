/**
 * When the Senate keeps failing, stop hammering it: after `failureThreshold` consecutive
 * server failures (5xx, timeouts, resets; 404s and 429s do not count) the circuit OPENS
 * for a cool-down, and the whole fleet waits. After the cool-down it is HALF-OPEN: one
 * caller in the fleet gets to send a probe request (a lease, so a crashed prober does not
 * block forever) while the others keep waiting. A success CLOSES it; a failure re-opens it
 * with the cool-down multiplied by `factor` (capped at `maxCooldownMs`). It resumes by
 * itself: nobody has to close it by hand.
 *
 * `RedisCircuitBreaker` keeps the state in one Redis hash per host (Lua, Redis clock), so
 * the fleet shares it; `LocalCircuitBreaker` is the same state machine in process.
 */
import type { Redis } from 'ioredis';
import { CircuitOpenError } from './errors.ts';
import { sleep } from './fetcher.ts';
import { runScript } from './rate-limit.ts';

export interface CircuitBreakerOptions {
  /** Consecutive server failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** First cool-down, ms. Default 30 000. */
  cooldownMs?: number;
  /** Growth of the cool-down on each re-open. Default 2. */
  factor?: number;
  /** Longest cool-down, ms. Default 600 000 (10 min). */
  maxCooldownMs?: number;
  /** How long a half-open probe may take before another caller may probe, ms. Default 60 000. */
  probeLeaseMs?: number;
  /** How often waiting callers look again while a probe is out, ms. Default 1 000. */
  pollMs?: number;
}

export type CircuitStatus = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  /**
   * Waits until this caller may send a request. Throws CircuitOpenError when the circuit
   * stays open longer than `maxWaitMs` (then the job layer should retry later).
   */
  permit(host: string, opts?: { signal?: AbortSignal; maxWaitMs?: number }): Promise<void>;
  recordSuccess(host: string): Promise<void>;
  /** Records a server failure. Returns the end of the open period (epoch ms) when this failure opened the circuit. */
  recordFailure(host: string): Promise<{ openedUntilMs: number | null }>;
  status(host: string): Promise<CircuitStatus>;
  close(): Promise<void>;
}

type Settings = Required<CircuitBreakerOptions>;

function settings(o: CircuitBreakerOptions = {}): Settings {
  return {
    failureThreshold: o.failureThreshold ?? 5,
    cooldownMs: o.cooldownMs ?? 30_000,
    factor: o.factor ?? 2,
    maxCooldownMs: o.maxCooldownMs ?? 600_000,
    probeLeaseMs: o.probeLeaseMs ?? 60_000,
    pollMs: o.pollMs ?? 1_000,
  };
}

/** The waiting loop shared by both variants: `tryPermit` returns 0 (go) or ms to wait. */
async function waitForPermit(tryPermit: () => Promise<number>, s: Settings, signal?: AbortSignal, maxWaitMs = Number.POSITIVE_INFINITY): Promise<void> {
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    signal?.throwIfAborted();
    const waitMs = await tryPermit();
    if (waitMs <= 0) return;
    const remaining = deadline - performance.now();
    if (waitMs > remaining) throw new CircuitOpenError(Date.now() + waitMs);
    await sleep(Math.min(waitMs, Math.max(s.pollMs, 1)), signal);
  }
}

// Hash fields: state (closed|open|half-open), failures, opens (re-opens since last close),
// until (µs: end of open period, or end of the probe lease when half-open).
const PERMIT_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if state == 'closed' then return 0 end
local untilUs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if now < untilUs then return math.floor((untilUs - now) / 1000) + 1 end
redis.call('HSET', KEYS[1], 'state', 'half-open', 'until', string.format('%d', now + tonumber(ARGV[1]) * 1000))
redis.call('PEXPIRE', KEYS[1], 86400000)
return 0
`;

const SUCCESS_LUA = `
if (redis.call('HGET', KEYS[1], 'state') or 'closed') == 'closed' and (redis.call('HGET', KEYS[1], 'failures') or '0') == '0' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'closed', 'failures', 0, 'opens', 0, 'until', 0)
redis.call('PEXPIRE', KEYS[1], 86400000)
return 1
`;

// ARGV: threshold, cooldownMs, factor, maxCooldownMs. Returns the open period in ms when this call opened it, else -1.
const FAILURE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if state == 'open' then return -1 end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('PEXPIRE', KEYS[1], 86400000)
if state == 'closed' and failures < tonumber(ARGV[1]) then return -1 end
local opens = redis.call('HINCRBY', KEYS[1], 'opens', 1)
local cooldown = tonumber(ARGV[2]) * math.pow(tonumber(ARGV[3]), opens - 1)
if cooldown > tonumber(ARGV[4]) then cooldown = tonumber(ARGV[4]) end
cooldown = math.floor(cooldown)
redis.call('HSET', KEYS[1], 'state', 'open', 'failures', 0, 'until', string.format('%d', now + cooldown * 1000))
return cooldown
`;

export class RedisCircuitBreaker implements CircuitBreaker {
  private readonly s: Settings;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    options?: CircuitBreakerOptions,
  ) {
    this.s = settings(options);
  }

  private key(host: string): string {
    return `${this.keyPrefix}circuit:${host}`;
  }

  permit(host: string, opts: { signal?: AbortSignal; maxWaitMs?: number } = {}): Promise<void> {
    const tryPermit = async () => Number(await runScript(this.redis, PERMIT_LUA, [this.key(host)], [this.s.probeLeaseMs]));
    return waitForPermit(tryPermit, this.s, opts.signal, opts.maxWaitMs);
  }

  async recordSuccess(host: string): Promise<void> {
    await runScript(this.redis, SUCCESS_LUA, [this.key(host)], []);
  }

  async recordFailure(host: string): Promise<{ openedUntilMs: number | null }> {
    const { failureThreshold, cooldownMs, factor, maxCooldownMs } = this.s;
    const ms = Number(await runScript(this.redis, FAILURE_LUA, [this.key(host)], [failureThreshold, cooldownMs, factor, maxCooldownMs]));
    return { openedUntilMs: ms >= 0 ? Date.now() + ms : null };
  }

  async status(host: string): Promise<CircuitStatus> {
    const state = await this.redis.hget(this.key(host), 'state');
    return state === 'open' || state === 'half-open' ? state : 'closed';
  }

  async close(): Promise<void> {}
}

interface LocalState {
  state: CircuitStatus;
  failures: number;
  opens: number;
  until: number;
}

export class LocalCircuitBreaker implements CircuitBreaker {
  private readonly s: Settings;
  private readonly hosts = new Map<string, LocalState>();
  private readonly now: () => number;

  constructor(options?: CircuitBreakerOptions & { now?: () => number }) {
    this.s = settings(options);
    this.now = options?.now ?? (() => Date.now());
  }

  private get(host: string): LocalState {
    let st = this.hosts.get(host);
    if (!st) this.hosts.set(host, (st = { state: 'closed', failures: 0, opens: 0, until: 0 }));
    return st;
  }

  permit(host: string, opts: { signal?: AbortSignal; maxWaitMs?: number } = {}): Promise<void> {
    const tryPermit = async () => {
      const st = this.get(host);
      if (st.state === 'closed') return 0;
      const now = this.now();
      if (now < st.until) return st.until - now + 1;
      st.state = 'half-open';
      st.until = now + this.s.probeLeaseMs;
      return 0;
    };
    return waitForPermit(tryPermit, this.s, opts.signal, opts.maxWaitMs);
  }

  async recordSuccess(host: string): Promise<void> {
    Object.assign(this.get(host), { state: 'closed', failures: 0, opens: 0, until: 0 });
  }

  async recordFailure(host: string): Promise<{ openedUntilMs: number | null }> {
    const st = this.get(host);
    if (st.state === 'open') return { openedUntilMs: null };
    st.failures += 1;
    if (st.state === 'closed' && st.failures < this.s.failureThreshold) return { openedUntilMs: null };
    st.opens += 1;
    const cooldown = Math.floor(Math.min(this.s.cooldownMs * this.s.factor ** (st.opens - 1), this.s.maxCooldownMs));
    Object.assign(st, { state: 'open', failures: 0, until: this.now() + cooldown });
    return { openedUntilMs: this.now() + cooldown };
  }

  async status(host: string): Promise<CircuitStatus> {
    return this.get(host).state;
  }

  async close(): Promise<void> {}
}
