import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LocalCircuitBreaker,
  PgCircuitBreaker,
  RedisCircuitBreaker,
  describeCircuit,
  readCircuitInfo,
  type CircuitBreaker,
  type CircuitBreakerOptions,
} from '../../src/crawl/circuit-breaker.ts';
import { CircuitOpenError, SenateUnreachableError } from '../../src/crawl/errors.ts';
import { fleetCircuitLine } from '../../src/cli/circuit.ts';
import { openDb } from '../../src/store/db.ts';
import { pgTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/db.ts';

let redis: Redis;
let pg: TestDb;
beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379 });
  pg = await pgTestDb();
});
afterAll(async () => {
  await redis.quit();
  await pg?.drop();
});

const OPTS: CircuitBreakerOptions = { failureThreshold: 3, cooldownMs: 300, factor: 2, maxCooldownMs: 1_000, probeLeaseMs: 2_000, pollMs: 20 };

const variants: [string, (o: CircuitBreakerOptions) => CircuitBreaker][] = [
  ['LocalCircuitBreaker', (o) => new LocalCircuitBreaker(o)],
  ['RedisCircuitBreaker', (o) => new RedisCircuitBreaker(redis, `test-${randomUUID()}:`, o)],
  // Hosts of its own per breaker: the schema is shared by the tests of this file.
  ['PgCircuitBreaker', (o) => ownHost(new PgCircuitBreaker(pg.db, o))],
];

/** A breaker whose host 'h' is a host of its own. */
function ownHost(b: CircuitBreaker): CircuitBreaker {
  const id = randomUUID();
  const h = (host: string) => `${id}/${host}`;
  return {
    permit: (host, o) => b.permit(h(host), o),
    recordSuccess: (host) => b.recordSuccess(h(host)),
    recordFailure: (host, f) => b.recordFailure(h(host), f),
    status: (host) => b.status(h(host)),
    info: (host) => b.info(h(host)),
    close: () => b.close(),
  };
}

/** Page failures of `urls` (one each), the last opening time seen. */
async function failPages(b: CircuitBreaker, urls: string[]): Promise<number | null> {
  let opened: number | null = null;
  for (const url of urls) opened = (await b.recordFailure('h', { url, kind: 'page', reason: `HTTP 500 for ${url}` })).openedUntilMs ?? opened;
  return opened;
}

const confirmed = (b: CircuitBreaker) => b.recordFailure('h', { url: '/robots.txt', kind: 'confirmed', reason: 'network error ECONNREFUSED' });

describe.each(variants)('%s', (_name, make) => {
  describe('when a few pages keep failing', () => {
    it('stays closed however often one page fails: only distinct URLs count', async () => {
      const b = make(OPTS);
      expect(await failPages(b, ['/a', '/b', '/a', '/b', '/a', '/b', '/a'])).toBeNull();
      expect(await b.status('h')).toBe('closed');
      expect(await b.permit('h')).toBe('go');
    });

    it('forgets failing pages after a success', async () => {
      const b = make(OPTS);
      await failPages(b, ['/a', '/b']);
      await b.recordSuccess('h');
      expect(await failPages(b, ['/c', '/d'])).toBeNull();
      expect(await b.status('h')).toBe('closed');
    });
  });

  describe('when distinct pages fail in a row', () => {
    it('does not pause: the next caller probes the host at once', async () => {
      const b = make(OPTS);
      const opened = await failPages(b, ['/a', '/b', '/c']);
      expect(opened).not.toBeNull();
      expect(opened! - Date.now()).toBeLessThanOrEqual(50);
      expect(await b.permit('h', { maxWaitMs: 1_000 })).toBe('probe');
      expect(await b.status('h')).toBe('half-open');
    });

    it('closes when the probe succeeds', async () => {
      const b = make(OPTS);
      await failPages(b, ['/a', '/b', '/c']);
      await b.permit('h');
      await b.recordSuccess('h');
      expect(await b.info('h')).toEqual({ state: 'closed', untilMs: null, sinceMs: null, reason: null });
    });
  });

  describe('when the host itself fails (connection refused)', () => {
    it('probes at once, without waiting for other pages to fail', async () => {
      const b = make(OPTS);
      const { openedUntilMs } = await b.recordFailure('h', { url: '/a', kind: 'host', reason: 'ECONNREFUSED' });
      expect(openedUntilMs).not.toBeNull();
      expect(await b.permit('h', { maxWaitMs: 1_000 })).toBe('probe');
    });
  });

  describe('when the probe (robots.txt) fails', () => {
    it('opens for the cool-down, makes callers wait it out, then grants one probe', async () => {
      const b = make(OPTS);
      const until = (await confirmed(b)).openedUntilMs;
      expect(until! - Date.now()).toBeGreaterThan(200);
      const info = await b.info('h');
      expect(info).toMatchObject({ state: 'open', reason: 'network error ECONNREFUSED' });
      expect(info.sinceMs).toBeLessThanOrEqual(Date.now());
      expect(describeCircuit(info)).toMatch(/^circuit open until \d\d:\d\d:\d\d \(Senate failing since \d\d:\d\d:\d\d: network error ECONNREFUSED\)$/);
      expect(await b.permit('h')).toBe('probe');
      expect(Date.now()).toBeGreaterThanOrEqual(until! - 10); // an ordering: not before the cool-down's end
      expect(await b.status('h')).toBe('half-open');
    });

    it('throws CircuitOpenError when the wait would exceed maxWaitMs', async () => {
      const b = make(OPTS);
      await confirmed(b);
      const err = await b.permit('h', { maxWaitMs: 50 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CircuitOpenError);
      expect((err as CircuitOpenError).untilMs).toBeGreaterThan(Date.now());
    });

    it('holds the other callers while the probe is out, and lets them go when it succeeds', async () => {
      const b = make(OPTS);
      await confirmed(b);
      expect(await b.permit('h')).toBe('probe');
      let othersThrough = false;
      const others = Promise.all([b.permit('h'), b.permit('h')]).then((p) => ((othersThrough = true), p));
      await new Promise((r) => setTimeout(r, 150));
      expect(othersThrough).toBe(false);
      await b.recordSuccess('h');
      expect(await others).toEqual(['go', 'go']);
    });

    it('does not send the others away for the whole probe lease: they wait for the probe\'s answer', async () => {
      const b = make({ ...OPTS, probeLeaseMs: 60_000 });
      await confirmed(b);
      expect(await b.permit('h')).toBe('probe');
      const other = b.permit('h', { maxWaitMs: 5_000 });
      setTimeout(() => void b.recordSuccess('h'), 100);
      expect(await other).toBe('go');
    });

    it('ignores page failures while the probe is out: the probe decides', async () => {
      const b = make(OPTS);
      await failPages(b, ['/a', '/b', '/c']);
      await b.permit('h');
      expect(await failPages(b, ['/d', '/e', '/f'])).toBeNull();
      expect(await b.status('h')).toBe('half-open');
    });

    it('re-opens with a longer cool-down when the probe fails again', async () => {
      const b = make(OPTS);
      const first = (await confirmed(b)).openedUntilMs! - Date.now();
      await b.permit('h');
      const second = (await confirmed(b)).openedUntilMs! - Date.now();
      expect(await b.status('h')).toBe('open');
      expect(second).toBeGreaterThan(first * 1.5);
      expect(second).toBeLessThanOrEqual(1_000 + 50);
    });
  });

  describe('when the Senate stays unreachable longer than giveUpMs', () => {
    it('tells callers to come back no later than the give-up time, then gives up with SenateUnreachableError', async () => {
      const b = make({ ...OPTS, cooldownMs: 60_000, maxCooldownMs: 60_000, giveUpMs: 400 });
      await confirmed(b);
      const early = await b.permit('h', { maxWaitMs: 0 }).catch((e: unknown) => e);
      expect(early).toBeInstanceOf(CircuitOpenError);
      expect((early as CircuitOpenError).untilMs - Date.now()).toBeLessThanOrEqual(450);
      await new Promise((r) => setTimeout(r, 450));
      const err = await b.permit('h', { maxWaitMs: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SenateUnreachableError);
      expect((err as SenateUnreachableError).message).toMatch(/SENATE_BASE_URL.*unreachable.*SENATE_GIVE_UP_MS=400.*ECONNREFUSED/);
    });

    it('a waiting caller gives up at the give-up time rather than waiting the whole cool-down', async () => {
      const b = make({ ...OPTS, cooldownMs: 60_000, maxCooldownMs: 60_000, giveUpMs: 300 });
      await confirmed(b);
      const t0 = performance.now();
      await expect(b.permit('h')).rejects.toBeInstanceOf(SenateUnreachableError);
      expect(performance.now() - t0).toBeLessThan(5_000);
    });
  });
});

describe('RedisCircuitBreaker', () => {
  it('shares the circuit between processes using the same prefix, and `runs` can read it', async () => {
    const prefix = `test-${randomUUID()}:`;
    const a = new RedisCircuitBreaker(redis, prefix, OPTS);
    const b = new RedisCircuitBreaker(redis, prefix, OPTS);
    await a.recordFailure('h', { url: '/a' });
    await b.recordFailure('h', { url: '/b' });
    expect((await a.recordFailure('h', { url: '/c' })).openedUntilMs).not.toBeNull();
    expect(await b.status('h')).toBe('open');
    expect(await readCircuitInfo(redis, prefix, 'h')).toMatchObject({ state: 'open' });
    expect(await readCircuitInfo(redis, prefix, 'other-host')).toEqual({ state: 'closed', untilMs: null, sinceMs: null, reason: null });
  });
});

describe('PgCircuitBreaker', () => {
  it('shares the circuit between processes on one database (two pools), and `runs` reads it there', async () => {
    const other = await openDb({ databaseUrl: TEST_DATABASE_URL, schema: pg.schema, poolSize: 2 });
    try {
      const a = new PgCircuitBreaker(pg.db, OPTS);
      const b = new PgCircuitBreaker(other, OPTS);
      const host = `${randomUUID()}.example`;
      await a.recordFailure(host, { url: '/robots.txt', kind: 'confirmed', reason: 'network error ECONNREFUSED' });
      expect(await b.info(host)).toMatchObject({ state: 'open', reason: 'network error ECONNREFUSED' });
      const line = await fleetCircuitLine({ redisUrl: undefined, queuePrefix: 'sq', senateBaseUrl: `http://${host}` }, other);
      expect(line).toMatch(/^circuit open until \d\d:\d\d:\d\d \(Senate failing since/);
      expect(await b.permit(host)).toBe('probe'); // after the cool-down, one probe for both
      expect(await a.status(host)).toBe('half-open');
      await b.recordSuccess(host);
      expect(await a.status(host)).toBe('closed');
    } finally {
      await other.close();
    }
  });
});
