/**
 * When the Senate is down, stop hammering it, and say so. The breaker is about the HOST, not
 * about pages: a few pages that always fail must never pause the crawl.
 *
 * - Page failures (5xx, slow or cut responses) count by DISTINCT URL since the last success:
 *   retries of one bad page add nothing. When `failureThreshold` distinct URLs have failed in
 *   a row, or the host itself failed (connection refused, no DNS, connect timeout: see
 *   `isHostFailure`), the circuit becomes SUSPECT: open with no cool-down, so that the next
 *   caller probes at once.
 * - The probe is a cheap request that says whether the host is up: robots.txt. The caller
 *   that is granted the probe (`permit` returns 'probe'; a lease, so a crashed prober does not
 *   block forever) sends it while the others wait. Any answer from a healthy server closes
 *   the circuit; a failure of the probe (or of robots.txt at any time) is CONFIRMED: the
 *   circuit opens for a cool-down, multiplied by `factor` on each re-open (capped at
 *   `maxCooldownMs`), after which the next caller probes again. It resumes by itself.
 * - `giveUpMs`: once the circuit has not closed for that long since the Senate first failed,
 *   callers that would have to wait get SenateUnreachableError (not retryable) instead: a run
 *   fails with the reason rather than waiting forever.
 *
 * `RedisCircuitBreaker` keeps the state in Redis (Lua, Redis clock) so the fleet shares it;
 * `LocalCircuitBreaker` is the same state machine in one process.
 */
import type { Redis } from 'ioredis';
import { CircuitOpenError, SenateUnreachableError } from './errors.ts';
import { sleep } from './fetcher.ts';
import { runScript } from './rate-limit.ts';
import { closeCircuit, readCircuit, updateCircuit } from '../store/circuit-state.ts';
import type { Db } from '../store/db.ts';

export interface CircuitBreakerOptions {
  /** Distinct URLs failing in a row that make the breaker probe the host. Default 5. */
  failureThreshold?: number;
  /** First cool-down after a confirmed failure, ms. Default 30 000. */
  cooldownMs?: number;
  /** Growth of the cool-down on each re-open. Default 2. */
  factor?: number;
  /** Longest cool-down, ms. Default 600 000 (10 min). */
  maxCooldownMs?: number;
  /** How long a half-open probe may take before another caller may probe, ms. Default 60 000. */
  probeLeaseMs?: number;
  /** How often waiting callers look again while a probe is out, ms. Default 1 000. */
  pollMs?: number;
  /** How long the Senate may stay unreachable before callers get SenateUnreachableError, ms. Default: never. */
  giveUpMs?: number;
}

export type CircuitStatus = 'closed' | 'open' | 'half-open';

/** What `permit` grants: go ahead, or go ahead after probing the host (and reporting the probe's outcome). */
export type Permit = 'go' | 'probe';

export interface CircuitInfo {
  state: CircuitStatus;
  /** open: when the next probe is due; half-open: when the probe's lease ends (epoch ms). Null when closed. */
  untilMs: number | null;
  /** Since when the Senate has been failing (the first trip since the last close), epoch ms; null when closed. */
  sinceMs: number | null;
  /** The failure that tripped or re-opened the circuit. */
  reason: string | null;
}

export interface FailureReport {
  /** The URL that failed (page failures count by distinct URL). */
  url: string;
  /**
   * The failure says the host is down, not a page: the probe itself, robots.txt (confirmed:
   * opens for a cool-down), or a connection-level failure ('host': probe at once).
   */
  kind?: 'page' | 'host' | 'confirmed';
  /** For the log and `runs`. */
  reason?: string;
}

export interface CircuitBreaker {
  /**
   * Waits until this caller may send a request. 'probe': this caller must first probe the host
   * (robots.txt) and report it. Throws CircuitOpenError when the circuit stays open longer than
   * `maxWaitMs` (the job layer retries later), SenateUnreachableError once it has been down
   * for `giveUpMs`.
   */
  permit(host: string, opts?: { signal?: AbortSignal; maxWaitMs?: number }): Promise<Permit>;
  recordSuccess(host: string): Promise<void>;
  /** Records a failure. Returns when the open period ends (epoch ms) when this failure opened the circuit, else null. */
  recordFailure(host: string, failure?: FailureReport): Promise<{ openedUntilMs: number | null }>;
  status(host: string): Promise<CircuitStatus>;
  info(host: string): Promise<CircuitInfo>;
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
    giveUpMs: o.giveUpMs ?? Number.POSITIVE_INFINITY,
  };
}

/** One look at the circuit: a grant, or how long to wait and since when the host has been failing. */
type Look = { grant: Permit } | { waitMs: number; sinceMs: number | null; reason: string | null };

/** The waiting loop shared by both variants. */
async function waitForPermit(look: () => Promise<Look>, host: string, s: Settings, signal?: AbortSignal, maxWaitMs = Number.POSITIVE_INFINITY): Promise<Permit> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    signal?.throwIfAborted();
    const l = await look();
    if ('grant' in l) return l.grant;
    const now = Date.now();
    const giveUpAt = l.sinceMs !== null ? l.sinceMs + s.giveUpMs : Number.POSITIVE_INFINITY;
    if (now >= giveUpAt) throw new SenateUnreachableError(host, l.sinceMs!, l.reason, s.giveUpMs);
    // Wake up for the next probe, or to give up, whichever comes first.
    const wakeAt = Math.min(now + l.waitMs, giveUpAt);
    if (wakeAt > deadline) throw new CircuitOpenError(wakeAt);
    await sleep(Math.min(wakeAt - now, Math.max(s.pollMs, 1)), signal);
  }
}

const DAY_MS = 86_400_000;

// Hash fields: state (closed|open|half-open), opens (confirmed opens since the last close),
// until (µs: end of the open period, or of the probe lease when half-open), since (ms: first
// trip since the last close), reason. The set KEYS[2] holds the URLs failing since the last success.
// Returns {code, since, reason}: code -1 = probe granted, 0 = go, > 0 = wait that many ms.
const PERMIT_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local h = redis.call('HMGET', KEYS[1], 'state', 'until', 'since', 'reason')
local state = h[1] or 'closed'
if state == 'closed' then return {0, '', ''} end
local untilUs = tonumber(h[2] or '0')
if now < untilUs then
  local wait = math.floor((untilUs - now) / 1000) + 1
  -- A probe is out: its answer may come any moment, look again soon rather than at the lease's end.
  if state == 'half-open' and wait > tonumber(ARGV[2]) then wait = tonumber(ARGV[2]) end
  return {wait, h[3] or '', h[4] or ''}
end
redis.call('HSET', KEYS[1], 'state', 'half-open', 'until', string.format('%d', now + tonumber(ARGV[1]) * 1000))
redis.call('PEXPIRE', KEYS[1], ${DAY_MS})
return {-1, h[3] or '', h[4] or ''}
`;

const SUCCESS_LUA = `
redis.call('DEL', KEYS[2])
if (redis.call('HGET', KEYS[1], 'state') or 'closed') == 'closed' then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

// ARGV: threshold, cooldownMs, factor, maxCooldownMs, url, kind, reason.
// Returns the open period in ms when this call opened the circuit (0: suspect, probe at once), else -1.
const FAILURE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
local kind = ARGV[6]
if state == 'open' then return -1 end
if state == 'half-open' and kind ~= 'confirmed' then return -1 end
if kind == 'page' then
  redis.call('SADD', KEYS[2], ARGV[5])
  redis.call('PEXPIRE', KEYS[2], ${DAY_MS})
  if redis.call('SCARD', KEYS[2]) < tonumber(ARGV[1]) then return -1 end
end
redis.call('DEL', KEYS[2])
if not redis.call('HGET', KEYS[1], 'since') then redis.call('HSET', KEYS[1], 'since', string.format('%d', math.floor(now / 1000))) end
local cooldown = 0
if kind == 'confirmed' then
  local opens = redis.call('HINCRBY', KEYS[1], 'opens', 1)
  cooldown = tonumber(ARGV[2]) * math.pow(tonumber(ARGV[3]), opens - 1)
  if cooldown > tonumber(ARGV[4]) then cooldown = tonumber(ARGV[4]) end
  cooldown = math.floor(cooldown)
end
redis.call('HSET', KEYS[1], 'state', 'open', 'until', string.format('%d', now + cooldown * 1000), 'reason', ARGV[7])
redis.call('PEXPIRE', KEYS[1], ${DAY_MS})
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

  private keys(host: string): string[] {
    const key = circuitKey(this.keyPrefix, host);
    return [key, `${key}:failing`];
  }

  permit(host: string, opts: { signal?: AbortSignal; maxWaitMs?: number } = {}): Promise<Permit> {
    const look = async (): Promise<Look> => {
      const [code, since, reason] = (await runScript(this.redis, PERMIT_LUA, this.keys(host), [this.s.probeLeaseMs, Math.max(this.s.pollMs, 1)])) as [number, string, string];
      if (code < 0) return { grant: 'probe' };
      if (code === 0) return { grant: 'go' };
      return { waitMs: code, sinceMs: since ? Number(since) : null, reason: reason || null };
    };
    return waitForPermit(look, host, this.s, opts.signal, opts.maxWaitMs);
  }

  async recordSuccess(host: string): Promise<void> {
    await runScript(this.redis, SUCCESS_LUA, this.keys(host), []);
  }

  async recordFailure(host: string, f: FailureReport = { url: '' }): Promise<{ openedUntilMs: number | null }> {
    const { failureThreshold, cooldownMs, factor, maxCooldownMs } = this.s;
    const args = [failureThreshold, cooldownMs, factor, maxCooldownMs, f.url, f.kind ?? 'page', (f.reason ?? '').slice(0, 300)];
    const ms = Number(await runScript(this.redis, FAILURE_LUA, this.keys(host), args));
    return { openedUntilMs: ms >= 0 ? Date.now() + ms : null };
  }

  async status(host: string): Promise<CircuitStatus> {
    return (await this.info(host)).state;
  }

  async info(host: string): Promise<CircuitInfo> {
    return readCircuitInfo(this.redis, this.keyPrefix, host);
  }

  async close(): Promise<void> {}
}

/** The Redis key of a host's circuit. */
export function circuitKey(keyPrefix: string, host: string): string {
  return `${keyPrefix}circuit:${host}`;
}

/** Reads a host's circuit from Redis without a breaker (for `runs`). */
export async function readCircuitInfo(redis: Redis, keyPrefix: string, host: string): Promise<CircuitInfo> {
  const [state, until, since, reason] = await redis.hmget(circuitKey(keyPrefix, host), 'state', 'until', 'since', 'reason');
  if (state !== 'open' && state !== 'half-open') return { state: 'closed', untilMs: null, sinceMs: null, reason: null };
  return { state, untilMs: until ? Math.floor(Number(until) / 1000) : null, sinceMs: since ? Number(since) : null, reason: reason || null };
}

/** The state machine of the in-process and PostgreSQL variants (the Redis one is the same, in Lua). */
interface MachineState {
  state: CircuitStatus;
  opens: number;
  /** epoch ms */
  untilMs: number;
  sinceMs: number | null;
  reason: string | null;
  failing: string[];
}

const CLOSED: MachineState = { state: 'closed', opens: 0, untilMs: 0, sinceMs: null, reason: null, failing: [] };

/** One look at the circuit by a caller: its grant or wait, and the state after (null: unchanged). */
function lookAt(st: MachineState, now: number, s: Settings): { next: MachineState | null; look: Look } {
  if (st.state === 'closed') return { next: null, look: { grant: 'go' } };
  if (now < st.untilMs) {
    // A probe is out (half-open): its answer may come any moment, look again soon rather than at the lease's end.
    const waitMs = st.state === 'half-open' ? Math.min(st.untilMs - now + 1, Math.max(s.pollMs, 1)) : st.untilMs - now + 1;
    return { next: null, look: { waitMs, sinceMs: st.sinceMs, reason: st.reason } };
  }
  return { next: { ...st, state: 'half-open', untilMs: now + s.probeLeaseMs }, look: { grant: 'probe' } };
}

/** A failure recorded: the state after (null: unchanged) and the end of the open period when it opened the circuit. */
function afterFailure(st: MachineState, f: FailureReport, now: number, s: Settings): { next: MachineState | null; openedUntilMs: number | null } {
  const kind = f.kind ?? 'page';
  if (st.state === 'open' || (st.state === 'half-open' && kind !== 'confirmed')) return { next: null, openedUntilMs: null };
  if (kind === 'page') {
    const failing = st.failing.includes(f.url) ? st.failing : [...st.failing, f.url];
    if (failing.length < s.failureThreshold) return { next: failing === st.failing ? null : { ...st, failing }, openedUntilMs: null };
  }
  const opens = kind === 'confirmed' ? st.opens + 1 : st.opens;
  const cooldown = kind === 'confirmed' ? Math.floor(Math.min(s.cooldownMs * s.factor ** (opens - 1), s.maxCooldownMs)) : 0;
  const next: MachineState = { state: 'open', opens, untilMs: now + cooldown, sinceMs: st.sinceMs ?? now, reason: f.reason?.slice(0, 300) ?? null, failing: [] };
  return { next, openedUntilMs: now + cooldown };
}

function infoOf(st: MachineState): CircuitInfo {
  if (st.state === 'closed') return { state: 'closed', untilMs: null, sinceMs: null, reason: null };
  return { state: st.state, untilMs: st.untilMs, sinceMs: st.sinceMs, reason: st.reason };
}

export class LocalCircuitBreaker implements CircuitBreaker {
  private readonly s: Settings;
  private readonly hosts = new Map<string, MachineState>();
  private readonly now: () => number;

  constructor(options?: CircuitBreakerOptions & { now?: () => number }) {
    this.s = settings(options);
    this.now = options?.now ?? (() => Date.now());
  }

  private get(host: string): MachineState {
    return this.hosts.get(host) ?? CLOSED;
  }

  permit(host: string, opts: { signal?: AbortSignal; maxWaitMs?: number } = {}): Promise<Permit> {
    const look = async (): Promise<Look> => {
      const { next, look } = lookAt(this.get(host), this.now(), this.s);
      if (next) this.hosts.set(host, next);
      return look;
    };
    return waitForPermit(look, host, this.s, opts.signal, opts.maxWaitMs);
  }

  async recordSuccess(host: string): Promise<void> {
    this.hosts.delete(host);
  }

  async recordFailure(host: string, f: FailureReport = { url: '' }): Promise<{ openedUntilMs: number | null }> {
    const { next, openedUntilMs } = afterFailure(this.get(host), f, this.now(), this.s);
    if (next) this.hosts.set(host, next);
    return { openedUntilMs };
  }

  async status(host: string): Promise<CircuitStatus> {
    return this.get(host).state;
  }

  async info(host: string): Promise<CircuitInfo> {
    return infoOf(this.get(host));
  }

  async close(): Promise<void> {}
}

/**
 * The same circuit in PostgreSQL (circuit_breakers, the database's clock), for in-process
 * crawls in several processes sharing a database without Redis: one of them finding the Senate
 * down pauses them all, and `runs` shows it. Closed is read without a lock (most requests).
 */
export class PgCircuitBreaker implements CircuitBreaker {
  private readonly s: Settings;

  constructor(
    private readonly db: Db,
    options?: CircuitBreakerOptions,
  ) {
    this.s = settings(options);
  }

  permit(host: string, opts: { signal?: AbortSignal; maxWaitMs?: number } = {}): Promise<Permit> {
    const look = async (): Promise<Look> => {
      const { circuit, nowMs } = await readCircuit(this.db, host);
      if (circuit.state === 'closed') return { grant: 'go' };
      const seen = lookAt(circuit, nowMs, this.s);
      if (!seen.next) return seen.look;
      // Taking the probe changes the state: again, under the row's lock (another process may have taken it).
      return updateCircuit(this.db, host, (c, now) => {
        const { next, look } = lookAt(c, now, this.s);
        return { next, result: look };
      });
    };
    return waitForPermit(look, host, this.s, opts.signal, opts.maxWaitMs);
  }

  async recordSuccess(host: string): Promise<void> {
    await closeCircuit(this.db, host);
  }

  async recordFailure(host: string, f: FailureReport = { url: '' }): Promise<{ openedUntilMs: number | null }> {
    const { openedUntilMs, dbNow } = await updateCircuit(this.db, host, (c, now) => {
      const { next, openedUntilMs } = afterFailure(c, f, now, this.s);
      return { next, result: { openedUntilMs, dbNow: now } };
    });
    // The database's clock to this process's: callers compare it with Date.now().
    return { openedUntilMs: openedUntilMs === null ? null : openedUntilMs - dbNow + Date.now() };
  }

  async status(host: string): Promise<CircuitStatus> {
    return (await this.info(host)).state;
  }

  async info(host: string): Promise<CircuitInfo> {
    return infoOf((await readCircuit(this.db, host)).circuit);
  }

  async close(): Promise<void> {}
}

/** "circuit open until 03:12:04 (Senate failing since 03:11:34: …)", or null when closed. */
export function describeCircuit(info: CircuitInfo, now: number = Date.now()): string | null {
  if (info.state === 'closed') return null;
  const at = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const when = info.state === 'open' ? (info.untilMs !== null && info.untilMs > now ? ` until ${at(info.untilMs)}` : ', probing') : ' (probing)';
  const since = info.sinceMs !== null ? ` (Senate failing since ${at(info.sinceMs)}${info.reason ? `: ${info.reason.slice(0, 120)}` : ''})` : '';
  return `circuit ${info.state}${when}${since}`;
}
