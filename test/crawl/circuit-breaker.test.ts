import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCircuitBreaker, RedisCircuitBreaker, type CircuitBreaker, type CircuitBreakerOptions } from '../../src/crawl/circuit-breaker.ts';
import { CircuitOpenError } from '../../src/crawl/errors.ts';

let redis: Redis;
beforeAll(() => {
  redis = new Redis({ host: '127.0.0.1', port: 6379 });
});
afterAll(async () => {
  await redis.quit();
});

const OPTS: CircuitBreakerOptions = { failureThreshold: 3, cooldownMs: 300, factor: 2, maxCooldownMs: 1_000, probeLeaseMs: 2_000, pollMs: 20 };

const variants: [string, (o: CircuitBreakerOptions) => CircuitBreaker][] = [
  ['LocalCircuitBreaker', (o) => new LocalCircuitBreaker(o)],
  ['RedisCircuitBreaker', (o) => new RedisCircuitBreaker(redis, `test-${randomUUID()}:`, o)],
];

async function fail(b: CircuitBreaker, n: number): Promise<number | null> {
  let opened: number | null = null;
  for (let i = 0; i < n; i++) opened = (await b.recordFailure('h')).openedUntilMs ?? opened;
  return opened;
}

describe.each(variants)('%s', (_name, make) => {
  describe('when failures stay under the threshold', () => {
    it('stays closed and lets requests through at once', async () => {
      const b = make(OPTS);
      expect(await fail(b, 2)).toBeNull();
      expect(await b.status('h')).toBe('closed');
      const t0 = performance.now();
      await b.permit('h');
      expect(performance.now() - t0).toBeLessThan(50);
    });

    it('forgets failures after a success (they must be consecutive)', async () => {
      const b = make(OPTS);
      await fail(b, 2);
      await b.recordSuccess('h');
      expect(await fail(b, 2)).toBeNull();
      expect(await b.status('h')).toBe('closed');
    });
  });

  describe('when the Senate keeps failing', () => {
    it('opens after the threshold and makes callers wait the cool-down', async () => {
      const b = make(OPTS);
      const until = await fail(b, 3);
      expect(until).not.toBeNull();
      expect(until! - Date.now()).toBeGreaterThan(200);
      expect(await b.status('h')).toBe('open');
      const t0 = performance.now();
      await b.permit('h');
      expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
      expect(await b.status('h')).toBe('half-open');
    });

    it('throws CircuitOpenError when the wait would exceed maxWaitMs', async () => {
      const b = make(OPTS);
      await fail(b, 3);
      const err = await b.permit('h', { maxWaitMs: 50 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CircuitOpenError);
      expect((err as CircuitOpenError).untilMs).toBeGreaterThan(Date.now());
    });
  });

  describe('when the circuit is half-open', () => {
    it('lets one probe through and holds the others until it succeeds, then closes', async () => {
      const b = make(OPTS);
      await fail(b, 3);
      await b.permit('h'); // the probe
      let othersThrough = false;
      const others = Promise.all([b.permit('h'), b.permit('h')]).then(() => (othersThrough = true));
      await new Promise((r) => setTimeout(r, 150));
      expect(othersThrough).toBe(false);
      await b.recordSuccess('h');
      await others;
      expect(await b.status('h')).toBe('closed');
    });

    it('re-opens with a longer cool-down when the probe fails', async () => {
      const b = make(OPTS);
      const first = (await fail(b, 3))! - Date.now();
      await b.permit('h');
      const second = (await b.recordFailure('h')).openedUntilMs! - Date.now();
      expect(await b.status('h')).toBe('open');
      expect(second).toBeGreaterThan(first * 1.5);
      expect(second).toBeLessThanOrEqual(1_000 + 5);
    });
  });

  describe('after an outage', () => {
    it('resumes by itself once the Senate answers again', async () => {
      const b = make(OPTS);
      await fail(b, 3);
      await b.permit('h');
      await b.recordSuccess('h');
      expect(await b.status('h')).toBe('closed');
      expect(await fail(b, 2)).toBeNull(); // the count started again from zero
    });
  });
});

describe('RedisCircuitBreaker', () => {
  it('shares the circuit between processes using the same prefix', async () => {
    const prefix = `test-${randomUUID()}:`;
    const a = new RedisCircuitBreaker(redis, prefix, OPTS);
    const b = new RedisCircuitBreaker(redis, prefix, OPTS);
    await a.recordFailure('h');
    await b.recordFailure('h');
    expect((await a.recordFailure('h')).openedUntilMs).not.toBeNull();
    expect(await b.status('h')).toBe('open');
  });
});
